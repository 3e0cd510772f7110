import { defaultHandleExternalTldrawContent, type Editor } from 'tldraw'
import { settleCopiedCards } from './tools'

/**
 * Runs `copy` (a paste or a duplicate) and then moves every story card it added that covers another
 * card to the first free place below it, in the same undo step: a copy never hides under or over a card.
 */
export function keepCopiesInSight(editor: Editor, copy: () => void | Promise<void>): void | Promise<void> {
  const before = new Set(editor.getCurrentPageShapeIds())
  const settle = () => {
    const added = [...editor.getCurrentPageShapeIds()].filter((id) => !before.has(id))
    editor.run(() => settleCopiedCards(editor, added))
  }
  const copied = copy()
  return copied instanceof Promise ? copied.then(settle) : settle()
}

/**
 * Pastes tldraw content (shapes copied on a board) as tldraw does, then keeps the pasted cards in sight.
 * Every paste goes through here: the keyboard, the menus and paste at the cursor. Returns the function
 * that puts tldraw's own paste back.
 */
export function keepPastedCardsInSight(editor: Editor): () => void {
  editor.registerExternalContentHandler('tldraw', (info) =>
    keepCopiesInSight(editor, () => defaultHandleExternalTldrawContent(editor, info)),
  )
  return () => {
    editor.registerExternalContentHandler('tldraw', (info) =>
      defaultHandleExternalTldrawContent(editor, info),
    )
  }
}
