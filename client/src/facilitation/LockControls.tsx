import { useState } from 'react'
import { useEditor, useValue } from 'tldraw'
import { api, errorMessage } from '../api/client'
import type { StoryMapBoard } from '../storyMap/useStoryMapBoard'
import { LockIcon } from './LockBadges'
import { lockedShapesAtom } from './locks'

/**
 * The owner's locks: the whole backbone (every journey step and release slice) in one click, and
 * the selected shapes. Only owners see it; the server writes the locks for everyone.
 */
export function LockControls({ board }: { board: StoryMapBoard }) {
  const editor = useEditor()
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const backboneLocked = useValue('backbone locked', () => {
    const locked = lockedShapesAtom(editor).get()
    const backbone = editor
      .getCurrentPageShapes()
      .filter((shape) => shape.type === 'journey-step' || shape.type === 'release-slice')
    return backbone.length > 0 && backbone.every((shape) => locked.has(shape.id))
  }, [editor])
  const selection = useValue('selection locks', () => {
    const locked = lockedShapesAtom(editor).get()
    const ids = editor.getSelectedShapeIds()
    return { ids, allLocked: ids.length > 0 && ids.every((id) => locked.has(id)) }
  }, [editor])
  if (board.role !== 'owner') return null

  const run = (request: () => Promise<unknown>) => {
    setBusy(true)
    setFailure(null)
    request()
      .catch((error: unknown) => setFailure(errorMessage(error, 'That did not reach the server. Try again.')))
      .finally(() => setBusy(false))
  }

  return (
    <div className="lock-controls">
      <button
        type="button"
        className="button button--small"
        disabled={busy}
        onClick={() => run(() => api.setBackboneLocked(board.boardId, !backboneLocked))}
        title="Every journey step and release slice: nobody but owners can move, change or delete them"
        data-testid={backboneLocked ? 'unlock-backbone' : 'lock-backbone'}
      >
        <LockIcon /> {backboneLocked ? 'Unlock backbone' : 'Lock backbone'}
      </button>
      {selection.ids.length > 0 && (
        <button
          type="button"
          className="button button--small"
          disabled={busy}
          onClick={() => run(() => api.setLocked(board.boardId, selection.ids, !selection.allLocked))}
          data-testid={selection.allLocked ? 'unlock-selection' : 'lock-selection'}
        >
          {selection.allLocked ? 'Unlock selection' : 'Lock selection'}
        </button>
      )}
      {failure && (
        <span className="notice notice--error" role="alert">
          {failure}
        </span>
      )}
    </div>
  )
}
