import { FACILITATION_KEY, VOTES_KEY, VOTING_HIDDEN_KEY, votingHiddenOf } from '@refinery/shared'
import type { BoardDocuments } from '../boards/routes'
import { dotsOf, isStoryCard, setDots, type VoteOutcome } from '../boards/votes'
import type { Sql } from '../storage/sql'

interface HiddenVoteRow {
  card_id: string
  user_id: string
  dots: number
}

/**
 * Hidden voting (issue 17). While an owner keeps voting hidden, every dot lives in `hidden_votes`,
 * never in the document, so no socket, backlog, export or version shows how many dots anyone gave.
 * Hiding moves the dots already in `votes` there too (nobody sees any total while hidden); the reveal
 * moves them all back into `votes` in one change. Each board's voting steps run one at a time across
 * instances (`Sql.exclusive`), so a vote cannot slip between a reveal's read of the table and its
 * clearing.
 */
export class HiddenVoting {
  constructor(
    private readonly sql: Sql,
    private readonly documents: BoardDocuments,
  ) {}

  /** The user's dots on the board, per card: the visible ones and, while hidden, their hidden ones. */
  async mine(boardId: string, userId: string): Promise<Map<string, number>> {
    const dots = await this.documents.read(boardId, (doc) => dotsOf(doc, userId))
    const rows = await this.sql.all<HiddenVoteRow>(
      'SELECT card_id, user_id, dots FROM hidden_votes WHERE board_id = ? AND user_id = ?',
      [boardId, userId],
    )
    for (const row of rows) dots.set(row.card_id, Number(row.dots))
    return dots
  }

  /** Sets the user's dots on a card within the budget: into the document, or the table while hidden. */
  cast(boardId: string, cardId: string, userId: string, dots: number, budget: number): Promise<VoteOutcome> {
    return this.inTurn(boardId, async () => {
      const { card, hidden } = await this.documents.read(boardId, (doc) => ({
        card: isStoryCard(doc, cardId),
        hidden: votingHiddenOf(doc),
      }))
      if (!card) return { kind: 'no-such-card' }
      if (!hidden) {
        // Read again inside the change: another instance may have hidden voting meanwhile.
        const outcome = await this.documents.change(boardId, (doc) =>
          votingHiddenOf(doc) ? null : setDots(doc, cardId, userId, dots, budget),
        )
        if (outcome) return outcome
      }
      const mine = await this.mine(boardId, userId)
      let elsewhere = 0
      for (const [other, count] of mine) if (other !== cardId) elsewhere += count
      if (elsewhere + dots > budget) return { kind: 'over-budget', left: Math.max(0, budget - elsewhere) }
      if (dots === 0) {
        await this.sql.run('DELETE FROM hidden_votes WHERE board_id = ? AND card_id = ? AND user_id = ?', [
          boardId,
          cardId,
          userId,
        ])
      } else {
        await this.sql.run(
          `INSERT INTO hidden_votes (board_id, card_id, user_id, dots) VALUES (?, ?, ?, ?)
           ON CONFLICT (board_id, card_id, user_id) DO UPDATE SET dots = excluded.dots`,
          [boardId, cardId, userId, dots],
        )
      }
      return { kind: 'cast', dots, left: budget - elsewhere - dots }
    })
  }

  /** Hides every dot: those in the document move to the table, and the document says voting is hidden. */
  hide(boardId: string): Promise<void> {
    return this.inTurn(boardId, async () => {
      const { hidden, visible } = await this.documents.read(boardId, (doc) => ({
        hidden: votingHiddenOf(doc),
        visible: [...doc.getMap<number>(VOTES_KEY)],
      }))
      // Hiding twice keeps the dots given since the first time.
      if (hidden) return
      // Stored before they leave the document, so a crash in between loses no dot.
      await this.sql.transaction(async (tx) => {
        await tx.run('DELETE FROM hidden_votes WHERE board_id = ?', [boardId])
        for (const [key, dots] of visible) {
          const [cardId, userId] = splitVoteKey(key)
          if (typeof dots !== 'number' || !cardId || !userId) continue
          await tx.run('INSERT INTO hidden_votes (board_id, card_id, user_id, dots) VALUES (?, ?, ?, ?)', [
            boardId,
            cardId,
            userId,
            dots,
          ])
        }
      })
      await this.documents.change(boardId, (doc) => {
        const votes = doc.getMap<number>(VOTES_KEY)
        for (const [key] of visible) votes.delete(key)
        doc.getMap<unknown>(FACILITATION_KEY).set(VOTING_HIDDEN_KEY, true)
      })
    })
  }

  /** Shows every hidden dot at once, in one change of the document, and ends hidden voting. */
  reveal(boardId: string): Promise<void> {
    return this.inTurn(boardId, async () => {
      const rows = await this.sql.all<HiddenVoteRow>(
        'SELECT card_id, user_id, dots FROM hidden_votes WHERE board_id = ?',
        [boardId],
      )
      await this.documents.change(boardId, (doc) => {
        const votes = doc.getMap<number>(VOTES_KEY)
        for (const row of rows) votes.set(`${row.card_id}|${row.user_id}`, Number(row.dots))
        const facilitation = doc.getMap<unknown>(FACILITATION_KEY)
        if (facilitation.has(VOTING_HIDDEN_KEY)) facilitation.delete(VOTING_HIDDEN_KEY)
      })
      await this.sql.run('DELETE FROM hidden_votes WHERE board_id = ?', [boardId])
    })
  }

  private inTurn<T>(boardId: string, step: () => Promise<T>): Promise<T> {
    return this.sql.exclusive(`voting:${boardId}`, step)
  }
}

/** A `votes` key is `cardId|userId`; card ids hold no `|`, so the last one splits them. */
function splitVoteKey(key: string): [string, string] {
  const at = key.lastIndexOf('|')
  return at < 0 ? ['', ''] : [key.slice(0, at), key.slice(at + 1)]
}
