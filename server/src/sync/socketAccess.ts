import type { IncomingMessage } from 'node:http'
import { presenceColor } from '@refinery/shared'
import { sessionTokenFrom } from '../auth/cookies'
import type { SessionStore } from '../auth/sessions'
import type { BoardStore } from '../boards/boardStore'
import { originAllowed } from '../http/origin'
import type { AcceptSocket } from '../http/websocketUpgrade'
import type { SyncSocket } from './connection'
import type { SyncServer } from './syncServer'

/** Board ids are URL-safe and short, so one can never be a path or a SQL fragment in disguise. */
const BOARD_ID = /^[A-Za-z0-9_-]{1,64}$/

const SYNC_PATH = /^\/sync\/([^/?#]*)\/?(?:\?.*)?$/

export interface SocketAccessDeps {
  allowedOrigins: readonly string[]
  sessions: SessionStore
  boards: BoardStore
  sync: SyncServer
}

/**
 * Who may open `/sync/:boardId`: an allowed Origin, a valid session, and a member of the board; a
 * member's role decides what their socket may do. Anything else is refused with a status before the
 * upgrade, so nothing of the board is ever sent: 403 for a foreign or missing Origin, 404 for everyone
 * who is not a member (a board's existence is not revealed). The checks are the ones the HTTP API
 * makes, called directly: an upgrade builds no Request, Context or Response it would throw away.
 */
export function createSocketAccess({ allowedOrigins, sessions, boards, sync }: SocketAccessDeps) {
  const origins = new Set(allowedOrigins)
  return async (request: IncomingMessage): Promise<AcceptSocket<SyncSocket> | number> => {
    const boardId = SYNC_PATH.exec(request.url ?? '')?.[1]
    if (boardId === undefined) return 404
    if (!originAllowed(request.headers.origin, origins, true)) return 403
    const token = sessionTokenFrom(request.headers.cookie)
    const found = token && BOARD_ID.test(boardId) ? await sessions.validate(token) : null
    const role = found ? await boards.roleOf(boardId, found.user.id) : null
    if (!found || !role) return 404
    const color = presenceColor((await boards.joinOrder(boardId, found.user.id)) ?? 0)
    const identity = { id: found.user.id, name: found.user.name, color }
    const session = { id: found.session.id, expiresAt: found.session.expiresAt }
    return (socket) => sync.accept(socket, boardId, { identity, role, session })
  }
}
