import { useEffect } from 'react'
import { type Editor, type TLShapeId, useEditor, useValue } from 'tldraw'
import { bindComments, boardCommentsOf } from './boardComments'

/**
 * Keeps the editor's comments in step with the board's document. The board's Y.Doc is reached
 * through `window.refinery`, which the board sets when the editor mounts.
 */
export function useCommentsBinding(editor: Editor): void {
  useEffect(() => {
    const open = window.refinery
    if (!open || open.editor !== editor) return
    return bindComments(open.ydoc, boardCommentsOf(editor).all)
  }, [editor])
}

/** The cards that hold open questions, in reading order on the map (top to bottom, then left to right). */
function cardsWithOpenQuestions(editor: Editor, open: ReadonlyMap<string, number>): TLShapeId[] {
  const placed = [...open.keys()]
    .map((id) => ({ id: id as TLShapeId, bounds: editor.getShapePageBounds(id as TLShapeId) }))
    .filter((card) => card.bounds !== undefined)
  return placed
    .sort((a, b) => (a.bounds?.y ?? 0) - (b.bounds?.y ?? 0) || (a.bounds?.x ?? 0) - (b.bounds?.x ?? 0))
    .map((card) => card.id)
}

/** Selects a card and brings it to the middle of the view, its panel open. */
function goTo(editor: Editor, id: TLShapeId): void {
  const bounds = editor.getShapePageBounds(id)
  if (!bounds) return
  editor.select(id)
  editor.centerOnPoint(bounds.center, { animation: { duration: 220 } })
}

/** "3 open questions ‹ ›" on the map bar: steps through the cards whose questions nobody answered yet. */
export function OpenQuestions() {
  const editor = useEditor()
  const cards = useValue(
    'cards with open questions',
    () => cardsWithOpenQuestions(editor, boardCommentsOf(editor).open.get()),
    [editor],
  )
  const total = useValue('open questions', () => {
    let sum = 0
    for (const count of boardCommentsOf(editor).open.get().values()) sum += count
    return sum
  }, [editor])
  if (cards.length === 0) return null
  const step = (by: 1 | -1) => {
    const selected = editor.getOnlySelectedShapeId()
    const at = selected ? cards.indexOf(selected) : -1
    const next = at === -1 ? (by === 1 ? 0 : cards.length - 1) : (at + by + cards.length) % cards.length
    const id = cards[next]
    if (id) goTo(editor, id)
  }
  return (
    <span className="open-questions" data-testid="open-questions" data-open={total}>
      <button
        type="button"
        className="button button--small"
        onClick={() => step(-1)}
        aria-label="Previous card with an open question"
        title="Previous card with an open question"
      >
        ‹
      </button>
      <button
        type="button"
        className="open-questions__label button button--small"
        onClick={() => step(1)}
        title="Go to the next card with a question nobody answered yet"
      >
        {total} open {total === 1 ? 'question' : 'questions'}
      </button>
      <button
        type="button"
        className="button button--small"
        onClick={() => step(1)}
        aria-label="Next card with an open question"
        title="Next card with an open question"
      >
        ›
      </button>
    </span>
  )
}
