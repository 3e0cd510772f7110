import { type VotingAnswer, VotingBody } from '@refinery/shared'
import { Hono } from 'hono'
import { boardAccess } from '../boards/access'
import type { BoardStore } from '../boards/boardStore'
import type { AppEnv } from '../http/env'
import { jsonBody } from '../http/validate'
import type { HiddenVoting } from './hiddenVotes'

export interface VotingDeps {
  boards: BoardStore
  voting: HiddenVoting
}

/**
 * Hidden voting (CONTRACT sections 3 and 5): owners hide everyone's dots until they reveal them.
 * `{hidden: false}` is the same as the reveal.
 */
export function votingRoutes({ boards, voting }: VotingDeps) {
  const owners = boardAccess(boards, 'board:configure')
  return new Hono<AppEnv>()
    .post('/:id/voting', owners, jsonBody(VotingBody), async (c) => {
      const { hidden } = c.req.valid('json')
      if (hidden) await voting.hide(c.var.board.id)
      else await voting.reveal(c.var.board.id)
      return c.json({ hidden } satisfies VotingAnswer)
    })
    .post('/:id/voting/reveal', owners, async (c) => {
      await voting.reveal(c.var.board.id)
      return c.json({ hidden: false } satisfies VotingAnswer)
    })
}
