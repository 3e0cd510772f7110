import { type PokerAcceptAnswer, type PokerAnswer, PokerOpenBody, PokerValueBody } from '@refinery/shared'
import { type Context, Hono } from 'hono'
import type { User } from '../auth/sessions'
import { boardAccess } from '../boards/access'
import type { BoardStore } from '../boards/boardStore'
import type { AppEnv } from '../http/env'
import { apiError } from '../http/errors'
import { jsonBody } from '../http/validate'
import type { PlanningPoker, PokerRefusal } from './round'

export interface PokerDeps {
  boards: BoardStore
  poker: PlanningPoker
}

/** Each refusal's status, code and words. */
const REFUSALS: Record<PokerRefusal, [404 | 409, string, string]> = {
  'no-such-card': [404, 'card_not_found', 'No such card on this board'],
  'round-open': [409, 'round_open', 'A round is already open on this board: close it first'],
  'no-round': [409, 'no_round', 'There is no open round on this board'],
  revealed: [409, 'round_revealed', 'The round is revealed: estimates can no longer change'],
  'not-revealed': [409, 'round_not_revealed', 'Reveal the round before accepting a value'],
  'not-in-deck': [409, 'not_in_deck', 'That value is not a card of this round’s deck'],
}

function refuse(c: Context<AppEnv>, refusal: PokerRefusal) {
  const [status, code, message] = REFUSALS[refusal]
  return apiError(c, status, code, message)
}

const player = (user: User) => ({ id: user.id, name: user.name })

/**
 * Planning poker on a card (CONTRACT sections 3 and 5): owners and editors run the round, everyone
 * with a vote picks, every member watches. `GET` gives the caller their own pick back, so a reload
 * keeps it.
 */
export function pokerRoutes({ boards, poker }: PokerDeps) {
  const access = (capability: Parameters<typeof boardAccess>[1]) => boardAccess(boards, capability)
  return new Hono<AppEnv>()
    .get('/:id/poker', access('board:read'), async (c) => {
      c.header('Cache-Control', 'no-store')
      return c.json(await poker.read(c.var.board.id, (c.var.user as User).id))
    })
    .post('/:id/poker', access('board:edit'), jsonBody(PokerOpenBody), async (c) => {
      const { cardId, deck } = c.req.valid('json')
      const outcome = await poker.open(c.var.board.id, cardId, deck, player(c.var.user as User))
      if (outcome.kind !== 'done') return refuse(c, outcome.kind)
      return c.json({ round: outcome.value, mine: null } satisfies PokerAnswer, 201)
    })
    .put('/:id/poker/estimate', access('board:vote'), jsonBody(PokerValueBody), async (c) => {
      const outcome = await poker.estimate(
        c.var.board.id,
        player(c.var.user as User),
        c.req.valid('json').value,
      )
      if (outcome.kind !== 'done') return refuse(c, outcome.kind)
      c.header('Cache-Control', 'no-store')
      return c.json(outcome.value satisfies PokerAnswer)
    })
    .post('/:id/poker/reveal', access('board:edit'), async (c) => {
      const outcome = await poker.reveal(c.var.board.id, (c.var.user as User).id)
      if (outcome.kind !== 'done') return refuse(c, outcome.kind)
      return c.json(outcome.value satisfies PokerAnswer)
    })
    .post('/:id/poker/accept', access('board:edit'), jsonBody(PokerValueBody), async (c) => {
      const outcome = await poker.accept(c.var.board.id, c.req.valid('json').value)
      if (outcome.kind !== 'done') return refuse(c, outcome.kind)
      return c.json(outcome.value satisfies PokerAcceptAnswer)
    })
    .delete('/:id/poker', access('board:edit'), async (c) => {
      await poker.close(c.var.board.id)
      return c.json({ round: null, mine: null } satisfies PokerAnswer)
    })
}
