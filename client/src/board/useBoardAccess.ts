import { CloseCode, type MemberBoardView, type PublicUser, presenceColor } from '@refinery/shared'
import { useEffect, useMemo, useState } from 'react'
import { ApiError, api } from '../api/client'
import { navigate } from '../app/router'
import { signInPath, useMe } from '../auth/me'
import type { OpenBoard } from './boardContext'

export type BoardAccess =
  | { status: 'loading' }
  | { status: 'ready'; open: OpenBoard }
  | { status: 'not-found' }
  | { status: 'unavailable'; message: string }

const viewKey = (boardId: string) => `refinery-board-view-${boardId}`

/** The board as last seen online, so an offline reload can still open it from the local copy. */
function rememberedView(boardId: string): MemberBoardView | null {
  try {
    const saved = localStorage.getItem(viewKey(boardId))
    if (!saved) return null
    const view = JSON.parse(saved) as Omit<MemberBoardView, 'color'> & { color?: string }
    // Remembered before views carried a colour: any will do offline, the server stamps the right one.
    return { ...view, color: view.color ?? presenceColor(0) }
  } catch {
    return null
  }
}

export function rememberView(board: MemberBoardView): void {
  try {
    localStorage.setItem(viewKey(board.id), JSON.stringify(board))
  } catch {
    // Storage blocked: offline reloads of this board will not open.
  }
}

/** The API's answer about one board, once it came. */
type BoardAnswer = { boardId: string; result: PromiseSettledResult<MemberBoardView> }

/** Asks the API for the board at once, beside who is signed in (`useMe`): neither waits for the other. */
function useBoardAnswer(boardId: string): BoardAnswer | null {
  const [answer, setAnswer] = useState<BoardAnswer | null>(null)
  useEffect(() => {
    let cancelled = false
    const settle = (result: PromiseSettledResult<MemberBoardView>) => {
      if (!cancelled) setAnswer({ boardId, result })
    }
    api.board(boardId).then(
      (board) => {
        rememberView(board)
        settle({ status: 'fulfilled', value: board })
      },
      (reason: unknown) => settle({ status: 'rejected', reason }),
    )
    return () => {
      cancelled = true
    }
  }, [boardId])
  return answer?.boardId === boardId ? answer : null
}

/** Who may open this board, and as what: signs out to the sign-in page, non-members to "not found". */
export function useBoardAccess(boardId: string): BoardAccess {
  const me = useMe()
  const answer = useBoardAnswer(boardId)
  const [changed, setChanged] = useState<MemberBoardView | null>(null)

  useEffect(() => {
    if (me.status === 'signed-out') navigate(signInPath())
  }, [me.status])

  const access = useMemo((): BoardAccess => {
    const ready = (board: MemberBoardView, user: PublicUser): BoardAccess => ({
      status: 'ready',
      open: { board, me: user, setBoard: setChanged },
    })
    // Signed out: on the way to the sign-in page.
    if (me.status === 'loading' || me.status === 'signed-out') return { status: 'loading' }
    if (me.status === 'unreachable') {
      const board = rememberedView(boardId)
      return me.user && board
        ? ready(board, me.user)
        : {
            status: 'unavailable',
            message: 'The server cannot be reached, and this board was never opened here.',
          }
    }
    if (!answer) return { status: 'loading' }
    if (answer.result.status === 'fulfilled') return ready(answer.result.value, me.user)
    const error = answer.result.reason
    if (error instanceof ApiError && error.status === 404) return { status: 'not-found' }
    const board = rememberedView(boardId)
    return board ? ready(board, me.user) : { status: 'unavailable', message: (error as Error).message }
  }, [boardId, me, answer])

  if (access.status !== 'ready' || !changed || changed.id !== boardId) return access
  return { status: 'ready', open: { ...access.open, board: changed } }
}

/**
 * Why the socket cannot connect, asked of the API: signed out, or no longer a member (removed, board
 * deleted). Null when the API sees nothing wrong (a network or server problem): keep retrying.
 */
export async function explainRefusal(boardId: string): Promise<number | null> {
  try {
    await api.me()
  } catch (error) {
    return error instanceof ApiError && error.status === 401 ? CloseCode.Unauthorized : null
  }
  try {
    await api.board(boardId)
    return null
  } catch (error) {
    return error instanceof ApiError && error.status === 404 ? CloseCode.NotFound : null
  }
}
