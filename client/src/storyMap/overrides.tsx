import { JOURNEY_STEP, RELEASE_SLICE, STORY_CARD, type StoryMapShapeType } from '@refinery/shared'
import { onDragFromToolbarToCreateShape, type TLUiIconJsx, type TLUiOverrides } from 'tldraw'
import { keepCopiesInSight } from './copies'
import { settleDroppedShape } from './tools'

interface StoryMapToolInfo {
  type: StoryMapShapeType
  label: string
  /**
   * Free in tldraw: its own single keys are v h d b x e r o a l f t n k g q z and the digits, and
   * c j s are used by no default tool or action.
   */
  kbd: string
  icon: TLUiIconJsx
}

function icon(path: string): TLUiIconJsx {
  return (
    <div className="story-map-tool-icon">
      <svg viewBox="0 0 18 18" aria-hidden="true">
        <path d={path} />
      </svg>
    </div>
  )
}

export const STORY_MAP_TOOLS: readonly StoryMapToolInfo[] = [
  {
    type: STORY_CARD,
    label: 'Story card',
    kbd: 'c',
    icon: icon(
      'M3.5 3.5h11a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1ZM5.5 7h7M5.5 10h4.5',
    ),
  },
  {
    type: JOURNEY_STEP,
    label: 'Journey step',
    kbd: 'j',
    icon: icon('M2.5 5h9.5l3.5 4-3.5 4H2.5l2.5-4Z'),
  },
  {
    type: RELEASE_SLICE,
    label: 'Release slice',
    kbd: 's',
    icon: icon('M2.5 4.5h13v9h-13ZM2.5 7.5h4.5V4.5'),
  },
]

/**
 * The story-map tools in tldraw's tool list, so the toolbar and the keyboard shortcuts find them; and
 * tldraw's duplicate (Ctrl+D), which puts the copy a width to the right, onto the next column's card
 * if there is one there, made to keep the copied cards in sight.
 */
export const storyMapOverrides: TLUiOverrides = {
  actions(editor, actions) {
    const duplicate = actions.duplicate
    if (duplicate) {
      actions.duplicate = {
        ...duplicate,
        onSelect: (source) => keepCopiesInSight(editor, () => duplicate.onSelect(source)),
      }
    }
    return actions
  },
  tools(editor, tools) {
    for (const tool of STORY_MAP_TOOLS) {
      tools[tool.type] = {
        id: tool.type,
        label: `tool.${tool.type}`,
        icon: tool.icon,
        kbd: tool.kbd,
        onSelect() {
          editor.setCurrentTool(tool.type)
        },
        onDragStart(_source, info) {
          onDragFromToolbarToCreateShape(editor, info, {
            createShape: (id) => editor.createShape({ id, type: tool.type }),
            onDragEnd: (id) => settleDroppedShape(editor, id),
          })
        },
      }
    }
    return tools
  },
  translations: {
    en: Object.fromEntries(STORY_MAP_TOOLS.map((tool) => [`tool.${tool.type}`, tool.label])),
  },
}
