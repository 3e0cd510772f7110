import {
  createTLStore,
  defaultBindingUtils,
  defaultShapeUtils,
  type TLStore,
  type TLStoreOptions,
} from 'tldraw'
import { storyMapShapeUtils } from '../storyMap'

/** Every shape a board can hold: tldraw's own and the story map's. */
export const boardShapeUtils = [...defaultShapeUtils, ...storyMapShapeUtils]

/**
 * A store for one board, with the shapes and bindings of the editor: what its schema checks against.
 * `assets` is where its images go; the board page passes the server's (see `openBoardImages`).
 */
export function createBoardStore(options: Pick<TLStoreOptions, 'collaboration' | 'assets'> = {}): TLStore {
  return createTLStore({ ...options, shapeUtils: boardShapeUtils, bindingUtils: defaultBindingUtils })
}
