import { CloseCode, type MemberBoardView, presenceColor } from '@refinery/shared'
import { useEffect, useState } from 'react'
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

/** Who may open this board, and as what: signs out to the sign-in page, non-members to "not found". */
export function useBoardAccess(boardId: string): BoardAccess {
  const me = useMe()
  const [access, setAccess] = useState<BoardAccess>({ status: 'loading' })
  const [changed, setChanged] = useState<MemberBoardView | null>(null)

  useEffect(() => {
    if (me.status === 'loading') return
    if (me.status === 'signed-out') {
      navigate(signInPath())
      return
    }
    if (me.status === 'unreachable') {
      const board = rememberedView(boardId)
      setAccess(
        me.user && board
          ? { status: 'ready', open: { board, me: me.user, setBoard: setChanged } }
          : {
              status: 'unavailable',
              message: 'The server cannot be reached, and this board was never opened here.',
            },
      )
      return
    }
    let cancelled = false
    api.board(boardId).then(
      (board) => {
        rememberView(board)
        if (!cancelled) setAccess({ status: 'ready', open: { board, me: me.user, setBoard: setChanged } })
      },
      (error) => {
        if (cancelled) return
        const board = rememberedView(boardId)
        if (error instanceof ApiError && error.status === 404) setAccess({ status: 'not-found' })
        else if (board) setAccess({ status: 'ready', open: { board, me: me.user, setBoard: setChanged } })
        else setAccess({ status: 'unavailable', message: (error as Error).message })
      },
    )
    return () => {
      cancelled = true
    }
  }, [boardId, me])

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
