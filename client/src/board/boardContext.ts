import type { MemberBoardView, PublicUser } from '@refinery/shared'
import { createContext, useContext } from 'react'

/** The open board as the API describes it, and who is looking at it. */
export interface OpenBoard {
  board: MemberBoardView
  me: PublicUser
  /** After a change through the API (title, vote budget): the page shows the board as it is now. */
  setBoard(board: MemberBoardView): void
}

export const BoardContext = createContext<OpenBoard | null>(null)

/** The open board; only for components rendered inside a board page. */
export function useOpenBoard(): OpenBoard {
  const open = useContext(BoardContext)
  if (!open) throw new Error('useOpenBoard is for components inside a board page')
  return open
}
