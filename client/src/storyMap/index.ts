import type { TLAnyShapeUtilConstructor, TLComponents, TLUiOverrides } from 'tldraw'

/** The story-map shapes (story card, journey step, release slice), registered with every board's store. */
export const storyMapShapeUtils: TLAnyShapeUtilConstructor[] = []

/** Tools, actions and keyboard shortcuts to add story-map shapes. */
export const storyMapOverrides: TLUiOverrides = {}

/** Story-map pieces of the editor's UI (toolbar group, card panel, dots). */
export const storyMapComponents: TLComponents = {}
