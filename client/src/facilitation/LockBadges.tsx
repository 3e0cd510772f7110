import { can } from '@refinery/shared'
import { useEffect, useState } from 'react'
import { type TLShapeId, useEditor, useValue } from 'tldraw'
import type { StoryMapBoard } from '../storyMap/useStoryMapBoard'
import { bindLocks, lockedShapesAtom, protectLockedShapes } from './locks'
import './locks.css'
import './summon.css'

/** How long the notice stays after the last try to change a locked shape. */
const NOTICE_MS = 3000

/**
 * The board's locks on the canvas: a lock badge on every locked shape for everyone, and for editors
 * the locked shapes kept out of their hands, with a notice when they try. The Y.Doc is
 * reached through `window.refinery`, which the board sets before this component's effects run.
 */
export function LockBadges({ board }: { board: StoryMapBoard }) {
  const editor = useEditor()
  // A new object at each try, so that the notice stays while someone keeps trying.
  const [notice, setNotice] = useState<{ text: string } | null>(null)
  // Voters and viewers change nothing anyway, and keep selecting a locked card to place their dots.
  const held = board.canEdit && !can(board.role, 'board:lock')

  useEffect(() => {
    const open = window.refinery
    if (!open || open.editor !== editor) return
    return bindLocks(open.ydoc, lockedShapesAtom(editor))
  }, [editor])
  useEffect(
    () =>
      held ? protectLockedShapes(editor, lockedShapesAtom(editor), (text) => setNotice({ text })) : undefined,
    [editor, held],
  )
  useEffect(() => {
    if (notice === null) return
    const timer = setTimeout(() => setNotice(null), NOTICE_MS)
    return () => clearTimeout(timer)
  }, [notice])

  const badges = useValue('lock badges', () => {
    const pageId = editor.getCurrentPageId()
    return [...lockedShapesAtom(editor).get()].flatMap((id) => {
      const bounds = editor.getShapePageBounds(id as TLShapeId)
      if (!bounds || editor.getAncestorPageId(id as TLShapeId) !== pageId) return []
      const corner = editor.pageToViewport({ x: bounds.maxX, y: bounds.minY })
      return [{ id, left: corner.x, top: corner.y }]
    })
  }, [editor])

  return (
    <>
      {badges.map(({ id, left, top }) => (
        <span
          key={id}
          className="lock-badge"
          style={{ left, top }}
          data-testid="lock-badge"
          data-shape-id={id}
          title="Locked by the facilitator"
          role="img"
          aria-label="Locked"
        >
          <LockIcon />
        </span>
      ))}
      {notice && (
        <output className="summon-toast lock-notice" data-testid="lock-notice">
          {notice.text}
        </output>
      )}
    </>
  )
}

export function LockIcon() {
  return (
    <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
      <path
        fill="currentColor"
        d="M5 7V5a3 3 0 0 1 6 0v2h.5A1.5 1.5 0 0 1 13 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 3 13.5v-5A1.5 1.5 0 0 1 4.5 7H5Zm1.5 0h3V5a1.5 1.5 0 0 0-3 0v2Z"
      />
    </svg>
  )
}
