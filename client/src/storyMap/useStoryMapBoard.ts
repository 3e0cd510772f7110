import { can, type Role } from '@refinery/shared'
import { useContext } from 'react'
import { BoardContext } from '../board/boardContext'

export interface StoryMapBoard {
  boardId: string
  role: Role
  canEdit: boolean
  canVote: boolean
}

/**
 * The open board and what its viewer may do on the map; null until the board page knows who is looking,
 * and until then nothing that depends on a role shows.
 */
export function useStoryMapBoard(): StoryMapBoard | null {
  const open = useContext(BoardContext)
  if (!open) return null
  const { id, role } = open.board
  return { boardId: id, role, canEdit: can(role, 'board:edit'), canVote: can(role, 'board:vote') }
}
