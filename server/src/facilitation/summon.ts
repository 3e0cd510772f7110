import { putSummon, type Summon } from '@refinery/shared'
import { Hono } from 'hono'
import type { User } from '../auth/sessions'
import { randomToken } from '../auth/tokens'
import { boardAccess } from '../boards/access'
import type { BoardStore } from '../boards/boardStore'
import type { BoardDocuments } from '../boards/routes'
import type { AppEnv } from '../http/env'

export interface SummonDeps {
  boards: BoardStore
  documents: BoardDocuments
  /** The server's clock; tests move it. */
  now?: () => number
}

/**
 * "Bring everyone here": whoever may edit the board (owners, editors) writes a new summon into the
 * server-owned `facilitation` root, and every client that has the board open follows their view.
 * Voters and viewers cannot: the root is refused in any client's update, so this route is the only way.
 */
export function summonRoutes({ boards, documents, now = Date.now }: SummonDeps) {
  return new Hono<AppEnv>().post('/:id/summon', boardAccess(boards, 'board:edit'), async (c) => {
    const user = c.var.user as User
    const summon: Summon = { id: randomToken(9), by: user.id, byName: user.name, at: now() }
    await documents.change(c.var.board.id, (doc) => putSummon(doc, summon))
    return c.json({ summon })
  })
}
