import { uniqueId } from 'tldraw'
import type { PresenceUser } from '../sync/presence'

/** Until there are accounts, each browser is a guest: a random id, a name and a cursor colour. */
export type Guest = PresenceUser

const STORAGE_KEY = 'refinery-guest'

/** Cursor colours that read well on the canvas, in light and dark mode. */
export const GUEST_COLORS = [
  '#e03131',
  '#1971c2',
  '#2f9e44',
  '#f08c00',
  '#9c36b5',
  '#0c8599',
  '#e8590c',
  '#d6336c',
]

type GuestStorage = Pick<Storage, 'getItem' | 'setItem'>

function parseGuest(saved: string | null): Guest | null {
  try {
    const value: unknown = saved === null ? null : JSON.parse(saved)
    if (typeof value !== 'object' || value === null) return null
    const { id, name, color } = value as Record<string, unknown>
    if (typeof id !== 'string' || typeof name !== 'string' || typeof color !== 'string') return null
    return { id, name, color }
  } catch {
    return null
  }
}

/** The guest this browser has been so far, or a new one, remembered for next time. */
export function loadGuest(storage: GuestStorage, random: () => number = Math.random): Guest {
  const saved = parseGuest(storage.getItem(STORAGE_KEY))
  if (saved) return saved
  const guest = {
    id: uniqueId(),
    name: `Guest ${1000 + Math.floor(random() * 9000)}`,
    color: GUEST_COLORS[Math.floor(random() * GUEST_COLORS.length)] ?? '#1971c2',
  }
  saveGuest(storage, guest)
  return guest
}

export function saveGuest(storage: GuestStorage, guest: Guest): void {
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify({ id: guest.id, name: guest.name, color: guest.color }))
  } catch {
    // Storage full or blocked: the guest lasts as long as the page does.
  }
}
