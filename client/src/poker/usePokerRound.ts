import { POKER_KEY, type PokerRound, pokerRoundOf } from '@refinery/shared'
import { useEffect, useState } from 'react'
import type { Editor } from 'tldraw'
import { api } from '../api/client'

export interface PokerTable {
  /** The board's open round as the document holds it, or null. */
  round: PokerRound | null
  /** This person's own pick in it: only the server tells it before the reveal. */
  mine: string | null
  setMine(value: string | null): void
}

/** The board's document, once the editor that shows it has mounted (see `window.refinery`). */
function boardDoc(editor: Editor) {
  const open = window.refinery
  return open && open.editor === editor ? open.ydoc : null
}

/**
 * The board's planning-poker round, following every change that reaches this page, and this person's
 * own pick, asked of the server whenever a round opens, so a reload keeps it.
 */
export function usePokerRound(editor: Editor, boardId: string): PokerTable {
  const [round, setRound] = useState<PokerRound | null>(() => {
    const doc = boardDoc(editor)
    return doc ? pokerRoundOf(doc) : null
  })
  const [mine, setMine] = useState<string | null>(null)

  useEffect(() => {
    const doc = boardDoc(editor)
    if (!doc) return
    const poker = doc.getMap<unknown>(POKER_KEY)
    const update = () => setRound(pokerRoundOf(doc))
    update()
    poker.observe(update)
    return () => poker.unobserve(update)
  }, [editor])

  const roundId = round?.id ?? null
  useEffect(() => {
    setMine(null)
    if (!roundId) return
    let current = true
    api.poker(boardId).then(
      (answer) => current && answer.round?.id === roundId && setMine(answer.mine),
      () => undefined,
    )
    return () => {
      current = false
    }
  }, [boardId, roundId])

  return { round, mine, setMine }
}
