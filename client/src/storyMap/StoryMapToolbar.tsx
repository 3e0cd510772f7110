import { DefaultToolbar, DefaultToolbarContent, TldrawUiMenuGroup, ToolbarItem, useReadonly } from 'tldraw'
import { STORY_MAP_TOOLS } from './overrides'
import { useStoryMapBoard } from './useStoryMapBoard'

/**
 * tldraw's toolbar with the story-map tools first, as they are what a map is made of; room is made for
 * them so tldraw's own first tools stay out of the overflow menu.
 */
export function StoryMapToolbar() {
  const board = useStoryMapBoard()
  const readonly = useReadonly()
  const showTools = board?.canEdit === true && !readonly
  return (
    <DefaultToolbar maxItems={showTools ? 11 : 8} maxSizePx={showTools ? 600 : 470}>
      {showTools && (
        <TldrawUiMenuGroup id="story-map">
          {STORY_MAP_TOOLS.map((tool) => (
            <ToolbarItem key={tool.type} tool={tool.type} />
          ))}
        </TldrawUiMenuGroup>
      )}
      <DefaultToolbarContent />
    </DefaultToolbar>
  )
}
