import { FACILITATION_KEY, JOURNEY_STEP, lockedShapesOf, RELEASE_SLICE, STORY_CARD } from '@refinery/shared'
import { type Atom, atom, type Editor, react, type TLShape, type TLShapeId } from 'tldraw'
import type * as Y from 'yjs'

const lockedByEditor = new WeakMap<Editor, Atom<ReadonlySet<string>>>()

/** The ids of the shapes an owner locked on the editor's board. */
export function lockedShapesAtom(editor: Editor): Atom<ReadonlySet<string>> {
  let locked = lockedByEditor.get(editor)
  if (!locked) {
    locked = atom<ReadonlySet<string>>('locked shapes', new Set())
    lockedByEditor.set(editor, locked)
  }
  return locked
}

/** Keeps `locked` equal to the document's `facilitation.locks`; returns the function that stops. */
export function bindLocks(doc: Y.Doc, locked: Atom<ReadonlySet<string>>): () => void {
  const facilitation = doc.getMap<unknown>(FACILITATION_KEY)
  // Deep: the lock map is nested, and the server adds to it as much as it replaces it.
  const update = () => locked.set(new Set(lockedShapesOf(doc)))
  update()
  facilitation.observeDeep(update)
  return () => facilitation.unobserveDeep(update)
}

const SHAPE_WORDS: Record<string, string> = {
  [JOURNEY_STEP]: 'journey step',
  [RELEASE_SLICE]: 'release slice',
  [STORY_CARD]: 'card',
}

/** What a person is told when they try to change a locked shape. */
export function lockNotice(shape: TLShape | undefined): string {
  return `The facilitator locked this ${(shape && SHAPE_WORDS[shape.type]) ?? 'shape'}`
}

/**
 * For editors (owners may change locked shapes): a locked shape cannot be selected, edited, moved, resized or deleted from
 * this page, and trying says why. The server refuses such a change anyway (close code 4423); this
 * keeps people from making it. Only this person's own changes: the server's and others' still arrive.
 */
export function protectLockedShapes(
  editor: Editor,
  locked: Atom<ReadonlySet<string>>,
  onRefused: (notice: string) => void,
): () => void {
  const isLocked = (id: TLShapeId | null) => id !== null && locked.get().has(id)
  const refuse = (id: TLShapeId | null | undefined) =>
    onRefused(lockNotice(id ? editor.getShape(id) : undefined))
  const stops = [
    editor.sideEffects.registerBeforeChangeHandler('shape', (prev, next, source) => {
      if (source !== 'user' || !isLocked(prev.id)) return next
      refuse(prev.id)
      return prev
    }),
    editor.sideEffects.registerBeforeDeleteHandler('shape', (shape, source) => {
      if (source !== 'user' || !isLocked(shape.id)) return
      refuse(shape.id)
      return false
    }),
    editor.sideEffects.registerBeforeChangeHandler('instance_page_state', (prev, next, source) => {
      if (source !== 'user') return next
      const selected = next.selectedShapeIds.filter((id) => !isLocked(id))
      const editing = isLocked(next.editingShapeId) ? null : next.editingShapeId
      if (selected.length === next.selectedShapeIds.length && editing === next.editingShapeId) return next
      const tried = next.selectedShapeIds.find(isLocked) ?? next.editingShapeId
      if (!prev.selectedShapeIds.includes(tried as TLShapeId) || tried === next.editingShapeId) refuse(tried)
      return { ...next, selectedShapeIds: selected, editingShapeId: editing }
    }),
    // A lock that arrives while this person has the shape selected takes it out of their hands.
    react('drop locked shapes from the selection', () => {
      const selected = editor.getSelectedShapeIds()
      if (!selected.some(isLocked)) return
      // Not from inside the reaction: it would change what the reaction reads.
      queueMicrotask(() =>
        editor.setSelectedShapes(editor.getSelectedShapeIds().filter((id) => !isLocked(id))),
      )
    }),
  ]
  return () => {
    for (const stop of stops) stop()
  }
}
