import { randomUUID } from 'node:crypto'
import {
  getRecords,
  isInDeck,
  POKER_KEY,
  type PokerAnswer,
  type PokerDeck,
  type PokerRound,
  pointsOf,
  pokerRoundOf,
  putRecord,
  ROUND_KEY,
  yMapToRecord,
} from '@refinery/shared'
import * as Y from 'yjs'
import type { BoardDocuments } from '../boards/routes'
import { isStoryCard } from '../boards/votes'
import type { Sql } from '../storage/sql'

export interface Player {
  id: string
  name: string
}

/** Why a poker step was refused, for the route to say in its answer. */
export type PokerRefusal =
  | 'no-such-card'
  | 'round-open'
  | 'no-round'
  | 'revealed'
  | 'not-revealed'
  | 'not-in-deck'

export type PokerOutcome<T> = { kind: 'done'; value: T } | { kind: PokerRefusal }

const done = <T>(value: T): PokerOutcome<T> => ({ kind: 'done', value })

/**
 * Planning poker on a card (issue 17). The open round lives in the document's `poker` root; until the
 * reveal each pick lives only in `poker_estimates`, so no socket, answer or export tells it to anyone
 * but its player. Each board's poker steps run one at a time across instances (`Sql.exclusive`), so a
 * pick cannot slip between a reveal's read of the table and its clearing.
 */
export class PlanningPoker {
  constructor(
    private readonly sql: Sql,
    private readonly documents: BoardDocuments,
  ) {}

  /** The round as everyone sees it, and the player's own pick in it. */
  async read(boardId: string, userId: string): Promise<PokerAnswer> {
    const round = await this.documents.read(boardId, pokerRoundOf)
    return { round, mine: await this.pickOf(boardId, round, userId) }
  }

  open(boardId: string, cardId: string, deck: PokerDeck, by: Player): Promise<PokerOutcome<PokerRound>> {
    return this.inTurn(boardId, async () => {
      if (await this.documents.read(boardId, pokerRoundOf)) return { kind: 'round-open' }
      // A crash after an earlier round's reveal could have left its rows: they belong to no round now.
      await this.sql.run('DELETE FROM poker_estimates WHERE board_id = ?', [boardId])
      return this.documents.change(boardId, (doc): PokerOutcome<PokerRound> => {
        if (pokerRoundOf(doc)) return { kind: 'round-open' }
        if (!isStoryCard(doc, cardId)) return { kind: 'no-such-card' }
        const round: PokerRound = {
          id: randomUUID(),
          cardId,
          deck,
          openedBy: by.id,
          openedByName: by.name,
          openedAt: Date.now(),
          estimated: {},
          revealed: false,
        }
        writeRound(doc, round)
        return done(round)
      })
    })
  }

  /** The player's pick: stored out of the document, and only their name written into it. */
  estimate(boardId: string, player: Player, value: string): Promise<PokerOutcome<PokerAnswer>> {
    return this.inTurn(boardId, async () => {
      const round = await this.documents.read(boardId, pokerRoundOf)
      if (!round) return { kind: 'no-round' }
      if (round.revealed) return { kind: 'revealed' }
      if (!isInDeck(round.deck, value)) return { kind: 'not-in-deck' }
      await this.sql.run(
        `INSERT INTO poker_estimates (board_id, user_id, round_id, value) VALUES (?, ?, ?, ?)
         ON CONFLICT (board_id, user_id) DO UPDATE SET round_id = excluded.round_id, value = excluded.value`,
        [boardId, player.id, round.id, value],
      )
      const shown = await this.documents.change(boardId, (doc) => {
        const now = pokerRoundOf(doc)
        if (now?.id !== round.id) return now
        const next = { ...now, estimated: { ...now.estimated, [player.id]: player.name } }
        writeRound(doc, next)
        return next
      })
      return done({ round: shown, mine: value })
    })
  }

  /** Shows every pick at once, in one change of the document. */
  reveal(boardId: string, userId: string): Promise<PokerOutcome<PokerAnswer>> {
    return this.inTurn(boardId, async () => {
      const round = await this.documents.read(boardId, pokerRoundOf)
      if (!round) return { kind: 'no-round' }
      if (!round.revealed) {
        const rows = await this.sql.all<{ user_id: string; value: string }>(
          'SELECT user_id, value FROM poker_estimates WHERE board_id = ? AND round_id = ?',
          [boardId, round.id],
        )
        const values = Object.fromEntries(rows.map((row) => [row.user_id, row.value]))
        await this.documents.change(boardId, (doc) => {
          if (pokerRoundOf(doc)?.id === round.id) writeRound(doc, { ...round, revealed: true, values })
        })
        await this.sql.run('DELETE FROM poker_estimates WHERE board_id = ?', [boardId])
      }
      return done(await this.read(boardId, userId))
    })
  }

  /** Writes the agreed face into the card's estimate, as points, and closes the round. */
  accept(
    boardId: string,
    value: string,
  ): Promise<PokerOutcome<{ cardId: string; value: string; estimate: number }>> {
    return this.inTurn(boardId, () =>
      this.documents.change(boardId, (doc) => {
        const round = pokerRoundOf(doc)
        if (!round) return { kind: 'no-round' }
        if (!round.revealed) return { kind: 'not-revealed' }
        const estimate = pointsOf(round.deck, value)
        if (estimate === null) return { kind: 'not-in-deck' }
        const records = getRecords(doc)
        const card = records.get(round.cardId)
        if (!(card instanceof Y.Map) || !isStoryCard(doc, round.cardId)) return { kind: 'no-such-card' }
        const before = yMapToRecord(card)
        const props = (before.props ?? {}) as Record<string, unknown>
        putRecord(records, { ...before, props: { ...props, estimate } }, before)
        doc.getMap<unknown>(POKER_KEY).delete(ROUND_KEY)
        return done({ cardId: round.cardId, value, estimate })
      }),
    )
  }

  /** Ends the round without an estimate; closing no round is no error. */
  close(boardId: string): Promise<void> {
    return this.inTurn(boardId, async () => {
      await this.documents.change(boardId, (doc) => {
        const poker = doc.getMap<unknown>(POKER_KEY)
        if (poker.has(ROUND_KEY)) poker.delete(ROUND_KEY)
      })
      await this.sql.run('DELETE FROM poker_estimates WHERE board_id = ?', [boardId])
    })
  }

  private async pickOf(boardId: string, round: PokerRound | null, userId: string): Promise<string | null> {
    if (!round) return null
    if (round.revealed) return round.values?.[userId] ?? null
    const row = await this.sql.get<{ value: string }>(
      'SELECT value FROM poker_estimates WHERE board_id = ? AND user_id = ? AND round_id = ?',
      [boardId, userId, round.id],
    )
    return row?.value ?? null
  }

  private inTurn<T>(boardId: string, step: () => Promise<T>): Promise<T> {
    return this.sql.exclusive(`poker:${boardId}`, step)
  }
}

/** Only the server calls it: the `poker` root is server-owned. */
function writeRound(doc: Y.Doc, round: PokerRound): void {
  doc.getMap<unknown>(POKER_KEY).set(ROUND_KEY, round)
}
