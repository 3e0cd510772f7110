import type { PublicUser } from '@refinery/shared'
import { useEffect, useSyncExternalStore } from 'react'
import { ApiError, api } from '../api/client'

/** Who is signed in, as far as this page knows. */
export type MeState =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; user: PublicUser }
  /** The server cannot be reached; `user` is who was signed in last time, if anyone. */
  | { status: 'unreachable'; user: PublicUser | null }

const REMEMBERED = 'refinery-me'

function remembered(): PublicUser | null {
  try {
    const saved = localStorage.getItem(REMEMBERED)
    return saved ? (JSON.parse(saved) as PublicUser) : null
  } catch {
    return null
  }
}

function remember(user: PublicUser | null): void {
  try {
    if (user) localStorage.setItem(REMEMBERED, JSON.stringify(user))
    else localStorage.removeItem(REMEMBERED)
  } catch {
    // Storage blocked: offline pages just know less.
  }
}

let state: MeState = { status: 'loading' }
let requested = false
const listeners = new Set<() => void>()

function set(next: MeState): void {
  state = next
  for (const listener of listeners) listener()
}

/** Asks the server who is signed in. */
export async function refreshMe(): Promise<void> {
  requested = true
  try {
    setMe(await api.me())
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) setMe(null)
    else set({ status: 'unreachable', user: remembered() })
  }
}

/** After signing in, up or out: the answer is already known. */
export function setMe(user: PublicUser | null): void {
  requested = true
  remember(user)
  set(user ? { status: 'signed-in', user } : { status: 'signed-out' })
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function useMe(): MeState {
  const current = useSyncExternalStore(subscribe, () => state)
  useEffect(() => {
    if (!requested) void refreshMe()
  }, [])
  return current
}

/** The path to sign in and come back to `returnTo`. */
export function signInPath(returnTo: string = window.location.pathname + window.location.search): string {
  return `/signin?next=${encodeURIComponent(returnTo)}`
}

/** Where to go after signing in: the `next` parameter when it is a path of this app, home otherwise. */
export function nextPath(search: string = window.location.search): string {
  const next = new URLSearchParams(search).get('next')
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/'
}
