import type { MyVotes } from '@refinery/shared'
import { useCallback, useEffect, useState } from 'react'
import { ApiError, api } from '../api/client'

export interface MyDots {
  /** Null while loading, or when this person may not vote. */
  votes: MyVotes | null
  /** Why the last vote did not count, for the card it was on. */
  refusal: { cardId: string; message: string } | null
  /** A vote is on its way: the buttons wait, so two quick clicks do not both start from the same count. */
  busy: boolean
  setDots(cardId: string, dots: number): void
}

/** What the server says when a vote goes past the budget, in words that say what to do about it. */
function overBudgetMessage(budget: number): string {
  return budget === 0
    ? 'This board has no dots to vote with.'
    : `You have used all ${budget} of your dots. Take one back from another card to vote on this one.`
}

/** The signed-in person's dots on the board: how many are left, and on which cards. */
export function useMyVotes(boardId: string | null, canVote: boolean): MyDots {
  const [votes, setVotes] = useState<MyVotes | null>(null)
  const [refusal, setRefusal] = useState<MyDots['refusal']>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (!boardId || !canVote) return
    let current = true
    api.myVotes(boardId).then(
      (mine) => current && setVotes(mine),
      () => current && setVotes(null),
    )
    return () => {
      current = false
    }
  }, [boardId, canVote])

  const setDots = useCallback(
    (cardId: string, dots: number) => {
      if (!boardId) return
      setBusy(true)
      setRefusal(null)
      api
        .vote(boardId, cardId, dots)
        .then(
          (result) =>
            setVotes((before) =>
              before
                ? { ...before, left: result.left, mine: { ...before.mine, [cardId]: result.dots } }
                : before,
            ),
          (error: unknown) => {
            const message =
              error instanceof ApiError && error.code === 'over_budget'
                ? overBudgetMessage(votes?.budget ?? 0)
                : error instanceof ApiError
                  ? error.message
                  : 'The vote did not reach the server. Try again.'
            setRefusal({ cardId, message })
          },
        )
        .finally(() => setBusy(false))
    },
    [boardId, votes?.budget],
  )

  return { votes, refusal, busy, setDots }
}
