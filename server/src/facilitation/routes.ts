import { type TimerAnswer, TimerBody, timerOf } from '@refinery/shared'
import { Hono } from 'hono'
import type { User } from '../auth/sessions'
import { boardAccess } from '../boards/access'
import type { BoardStore } from '../boards/boardStore'
import type { BoardDocuments } from '../boards/routes'
import type { AppEnv } from '../http/env'
import { apiError } from '../http/errors'
import { jsonBody } from '../http/validate'
import { extendTimer, startTimer, stopTimer } from './timer'

export interface FacilitationDeps {
  boards: BoardStore
  documents: BoardDocuments
  /** The server's clock; tests move it. */
  now?: () => number
}

/**
 * The board's shared countdown (CONTRACT section 3). Whoever may edit the board runs it; every
 * member reads it from the document, and `GET` tells them the server's clock to count down by.
 */
export function facilitationRoutes({ boards, documents, now = Date.now }: FacilitationDeps) {
  const access = (capability: Parameters<typeof boardAccess>[1]) => boardAccess(boards, capability)
  const answer = (timer: TimerAnswer['timer']): TimerAnswer => ({ timer, serverNow: now() })

  return new Hono<AppEnv>()
    .get('/:id/timer', access('board:read'), async (c) => {
      const timer = await documents.read(c.var.board.id, timerOf)
      c.header('Cache-Control', 'no-store')
      return c.json(answer(timer))
    })
    .post('/:id/timer', access('board:edit'), jsonBody(TimerBody), async (c) => {
      const body = c.req.valid('json')
      const user = c.var.user as User
      const by = { id: user.id, name: user.name }
      const timer = await documents.change(c.var.board.id, (doc) =>
        body.seconds !== undefined
          ? startTimer(doc, body.seconds, by, now())
          : extendTimer(doc, body.extendBy ?? 0, by, now()),
      )
      if (!timer) return apiError(c, 409, 'no_timer', 'There is no timer to extend: start one')
      return c.json(answer(timer))
    })
    .delete('/:id/timer', access('board:edit'), async (c) => {
      await documents.change(c.var.board.id, stopTimer)
      return c.json(answer(null))
    })
}
