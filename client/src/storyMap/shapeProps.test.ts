import {
  defaultJourneyStepProps,
  defaultReleaseSliceProps,
  defaultStoryCardProps,
  journeyStepPropsSchema,
  releaseSlicePropsSchema,
  storyCardPropsSchema,
} from '@refinery/shared'
import { T } from 'tldraw'
import { describe, expect, it } from 'vitest'
import { journeyStepShapeProps, releaseSliceShapeProps, storyCardShapeProps } from './shapeProps'

/** Whether tldraw's validators for a shape's props accept `props`, as the store would check them. */
function tldrawAccepts(validators: Record<string, T.Validatable<unknown>>, props: unknown): boolean {
  try {
    T.object(validators).validate(props)
    return true
  } catch {
    return false
  }
}

/** The shared zod schemas, as far as this test uses them (zod is the shared package's dependency). */
interface Schema {
  safeParse(value: unknown): { success: boolean }
}

function agree(validators: Record<string, T.Validatable<unknown>>, schema: Schema, props: unknown) {
  expect(tldrawAccepts(validators, props)).toBe(schema.safeParse(props).success)
}

describe('story-map shape props', () => {
  const card = defaultStoryCardProps()

  it('accept the shared defaults', () => {
    expect(tldrawAccepts(storyCardShapeProps, card)).toBe(true)
    expect(tldrawAccepts(journeyStepShapeProps, defaultJourneyStepProps())).toBe(true)
    expect(tldrawAccepts(releaseSliceShapeProps, defaultReleaseSliceProps())).toBe(true)
  })

  it('accept and refuse story cards as the shared schema does', () => {
    const variants: unknown[] = [
      { ...card, estimate: 3, moscow: 'must', labels: ['ux'], acceptance: ['Shows a total'] },
      { ...card, estimate: 0, moscow: 'wont' },
      { ...card, estimate: -1 },
      { ...card, estimate: '3' },
      { ...card, moscow: 'maybe' },
      { ...card, labels: [1] },
      { ...card, acceptance: 'one' },
      { ...card, title: null },
      { ...card, w: -5 },
    ]
    for (const props of variants) agree(storyCardShapeProps, storyCardPropsSchema, props)
  })

  it('accept and refuse steps and slices as the shared schema does', () => {
    const steps: unknown[] = [
      { ...defaultJourneyStepProps(), title: 'Sign up', description: 'Create an account' },
      { ...defaultJourneyStepProps(), description: null },
    ]
    for (const props of steps) agree(journeyStepShapeProps, journeyStepPropsSchema, props)
    const slices: unknown[] = [
      { ...defaultReleaseSliceProps(), name: 'MVP' },
      { ...defaultReleaseSliceProps(), name: 2 },
      { ...defaultReleaseSliceProps(), h: -1 },
    ]
    for (const props of slices) agree(releaseSliceShapeProps, releaseSlicePropsSchema, props)
  })
})
