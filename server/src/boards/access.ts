import { type Capability, can } from '@refinery/shared'
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../http/env'
import { apiError } from '../http/errors'
import type { BoardStore } from './boardStore'

/**
 * Guards every `/api/boards/:id…` route: 404 to anyone who is not a member (a board's existence is
 * not revealed), 403 to a member whose role lacks `capability`. Sets `c.var.board`.
 */
export function boardAccess(boards: BoardStore, capability: Capability): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const boardId = c.req.param('id')
    const user = c.var.user
    const role = user && boardId ? await boards.roleOf(boardId, user.id) : null
    if (!boardId || !role) return apiError(c, 404, 'not_found', 'No such board')
    if (!can(role, capability)) {
      return apiError(c, 403, 'forbidden', `Your role (${role}) does not allow this on this board`)
    }
    c.set('board', { id: boardId, role })
    await next()
  }
}
