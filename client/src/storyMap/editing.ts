import type { Editor, TLEventInfo } from 'tldraw'
import { isStoryMapShape } from './shapeProps'

/**
 * A story-map shape is edited in the panel, not on the canvas, yet tldraw's editing state ignores a press
 * on the edited shape when that shape has no text label of its own, so a card being edited could not be
 * dragged. Here a press on the canvas first ends the editing, as a press on a geo shape outside its label
 * does, so the press selects or drags like any other. Returns the function that stops this.
 */
export function endPanelEditingOnPress(editor: Editor): () => void {
  const beforeEvent = (info: TLEventInfo) => {
    if (info.type !== 'pointer' || info.name !== 'pointer_down' || info.button !== 0) return
    if (info.target !== 'canvas' && info.target !== 'shape') return
    if (!editor.isIn('select.editing_shape') || !isStoryMapShape(editor.getEditingShape())) return
    editor.setCurrentTool('select.idle')
  }
  editor.on('before-event', beforeEvent)
  return () => {
    editor.off('before-event', beforeEvent)
  }
}
