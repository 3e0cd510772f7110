import { useMemo, useSyncExternalStore } from 'react'
import { isBoardId } from '../board/boardId'

export type Route =
  | { page: 'home' }
  | { page: 'sign-in' }
  | { page: 'sign-up' }
  | { page: 'join'; token: string }
  | { page: 'board'; boardId: string }
  | { page: 'backlog'; boardId: string }
  | { page: 'version'; boardId: string; versionId: string }
  | { page: 'not-found' }

export function routeFor(pathname: string): Route {
  if (pathname === '/' || pathname === '/index.html') return { page: 'home' }
  if (pathname === '/signin') return { page: 'sign-in' }
  if (pathname === '/signup') return { page: 'sign-up' }
  const token = /^\/join\/([A-Za-z0-9_-]{10,100})\/?$/.exec(pathname)?.[1]
  if (token) return { page: 'join', token }
  const boardId = /^\/b\/([^/]+)\/?$/.exec(pathname)?.[1]
  if (boardId && isBoardId(boardId)) return { page: 'board', boardId }
  const backlogOf = /^\/b\/([^/]+)\/backlog\/?$/.exec(pathname)?.[1]
  if (backlogOf && isBoardId(backlogOf)) return { page: 'backlog', boardId: backlogOf }
  const version = /^\/b\/([^/]+)\/versions\/([A-Za-z0-9_-]{1,100})\/?$/.exec(pathname)
  if (version?.[1] && version[2] && isBoardId(version[1])) {
    return { page: 'version', boardId: version[1], versionId: version[2] }
  }
  return { page: 'not-found' }
}

/** Goes to `path` without reloading the page, as a link would. */
export function navigate(path: string): void {
  window.history.pushState(null, '', path)
  window.dispatchEvent(new PopStateEvent('popstate'))
}

function onLocationChange(notify: () => void): () => void {
  window.addEventListener('popstate', notify)
  return () => window.removeEventListener('popstate', notify)
}

export function useRoute(): Route {
  const pathname = useSyncExternalStore(onLocationChange, () => window.location.pathname)
  return useMemo(() => routeFor(pathname), [pathname])
}
