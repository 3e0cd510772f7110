import { DefaultStylePanel, type TLUiStylePanelProps, useEditor, useValue } from 'tldraw'
import { isStoryMapShape } from './shapeProps'

/**
 * tldraw's style panel, except while only story-map shapes are selected: they have no styles, and the
 * story-map panel takes that side of the screen.
 */
export function StoryMapStylePanel(props: TLUiStylePanelProps) {
  const editor = useEditor()
  const onlyStoryMap = useValue('only story-map shapes selected', () => {
    const selected = editor.getSelectedShapes()
    return selected.length > 0 && selected.every((shape) => isStoryMapShape(shape))
  }, [editor])
  return onlyStoryMap ? null : <DefaultStylePanel {...props} />
}
