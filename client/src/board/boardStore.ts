import {
  createTLStore,
  defaultBindingUtils,
  defaultShapeUtils,
  type TLStore,
  type TLStoreOptions,
} from 'tldraw'

/** A store for one board, with the shapes and bindings of tldraw's editor: what its schema checks against. */
export function createBoardStore(options: Pick<TLStoreOptions, 'collaboration'> = {}): TLStore {
  return createTLStore({ ...options, shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })
}
