import type { Editor } from 'tldraw'
import type { TextFieldAddress, TextHistory } from './yjsStoreBinding'

type Provider = (field: TextFieldAddress) => TextHistory | null

/** Each open editor's way to its board's text histories (see `StoreBinding.textHistory`). */
const providers = new WeakMap<Editor, Provider>()

/** Lets the fields of `editor`'s panels undo their own typing; returns the function that stops it. */
export function provideTextHistory(editor: Editor, provider: Provider): () => void {
  providers.set(editor, provider)
  return () => {
    if (providers.get(editor) === provider) providers.delete(editor)
  }
}

/** This person's typing in one field of `editor`'s board, or null where there is none to undo. */
export function textHistoryOf(
  editor: Editor | null,
  field: TextFieldAddress | undefined,
): TextHistory | null {
  if (!editor || !field) return null
  return providers.get(editor)?.(field) ?? null
}
