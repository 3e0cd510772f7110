import { describe, expect, it } from 'vitest'
import {
  type Box,
  CARD_GAP,
  FRAME_MARGIN,
  mapCamera,
  placeCopiedCard,
  placeJourneyStep,
  placeReleaseSlice,
  placeStoryCard,
  SLICE_HEADER,
  stepAt,
} from './placement'

// The story-map template: steps 240 wide with 20 between them, slices under them from y 140.
const steps: Box[] = [
  { x: 20, y: 0, w: 240, h: 100 },
  { x: 280, y: 0, w: 240, h: 100 },
]
const slices: Box[] = [
  { x: -20, y: 140, w: 1060, h: 400 },
  { x: -20, y: 560, w: 1060, h: 400 },
]
const card = { w: 240, h: 150 }

describe('stepAt', () => {
  it('finds the column holding x, edges included, the leftmost when steps overlap', () => {
    expect(stepAt(steps, 100)).toBe(steps[0])
    expect(stepAt(steps, 280)).toBe(steps[1])
    expect(stepAt(steps, 270)).toBeNull()
    const wide = { x: 0, y: 0, w: 600, h: 100 }
    expect(stepAt([steps[1] as Box, wide], 300)).toBe(wide)
  })
})

describe('placeStoryCard', () => {
  it('lines a card dropped on a step up under it, below the slice name', () => {
    expect(placeStoryCard({ drop: { x: 400, y: 50 }, card, steps, slices, cards: [] })).toEqual({
      x: 280,
      y: 140 + SLICE_HEADER,
    })
  })

  it('stays under the step when there is no slice', () => {
    expect(placeStoryCard({ drop: { x: 30, y: 10 }, card, steps, slices: [], cards: [] })).toEqual({
      x: 20,
      y: 100 + CARD_GAP,
    })
  })

  it('goes below the last card of the column it was dropped on', () => {
    const cards: Box[] = [
      { x: 22, y: 184, w: 240, h: 150 },
      // Another column's card is not in the way.
      { x: 280, y: 354, w: 240, h: 150 },
    ]
    expect(placeStoryCard({ drop: { x: 100, y: 200 }, card, steps, slices, cards })).toEqual({
      x: 20,
      y: 334 + CARD_GAP,
    })
  })

  it('goes below the next slice’s name when the column spills into it', () => {
    const cards: Box[] = [
      { x: 20, y: 184, w: 240, h: 150 },
      { x: 20, y: 354, w: 240, h: 150 },
    ]
    expect(placeStoryCard({ drop: { x: 100, y: 200 }, card, steps, slices, cards })).toEqual({
      x: 20,
      y: 560 + SLICE_HEADER,
    })
  })

  it('keeps the drop height further down the column, in a later slice', () => {
    const cards: Box[] = [{ x: 20, y: 184, w: 240, h: 150 }]
    expect(placeStoryCard({ drop: { x: 100, y: 800 }, card, steps, slices, cards })).toEqual({
      x: 20,
      y: 800 - card.h / 2,
    })
    // Right under a slice's top, the card moves below its name.
    expect(placeStoryCard({ drop: { x: 100, y: 570 }, card, steps, slices, cards })).toEqual({
      x: 20,
      y: 560 + SLICE_HEADER,
    })
  })

  it('fills a gap between two cards when the card fits in it', () => {
    const cards: Box[] = [
      { x: 20, y: 184, w: 240, h: 150 },
      { x: 20, y: 900, w: 240, h: 150 },
    ]
    expect(placeStoryCard({ drop: { x: 100, y: 300 }, card, steps, slices, cards })).toEqual({
      x: 20,
      y: 354,
    })
  })

  it('leaves a card dropped outside every column centred on the drop', () => {
    expect(placeStoryCard({ drop: { x: 2000, y: 300 }, card, steps, slices, cards: [] })).toEqual({
      x: 1880,
      y: 225,
    })
  })
})

describe('placeCopiedCard', () => {
  const overlaps = (a: Box, b: Box) =>
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
  const at = (x: number, y: number): Box => ({ x, y, ...card })
  const original = at(20, 184)

  it('leaves a copy that covers no card where it landed, even off the column’s edge', () => {
    expect(placeCopiedCard(at(60, 700), { steps, slices, cards: [original] })).toEqual({ x: 60, y: 700 })
  })

  it('moves a copy pasted on its original just below it, in the same column', () => {
    expect(placeCopiedCard(original, { steps, slices, cards: [original] })).toEqual({ x: 20, y: 354 })
  })

  it('moves each further copy below the ones before, and past the next slice’s name', () => {
    const cards = [original, at(20, 354)]
    expect(placeCopiedCard(original, { steps, slices, cards })).toEqual({ x: 20, y: 560 + SLICE_HEADER })
  })

  it('puts a copy moved a width to the right, onto the next column’s card, under that card', () => {
    const neighbour = at(280, 184)
    const duplicate = at(20 + 240 + 10, 184)
    expect(placeCopiedCard(duplicate, { steps, slices, cards: [original, neighbour] })).toEqual({
      x: 280,
      y: 354,
    })
  })

  it('moves a copy outside every column straight down, past every card it would touch', () => {
    const cards = [at(2000, 300), at(2100, 460)]
    const place = placeCopiedCard(at(2000, 300), { steps, slices, cards })
    expect(place).toEqual({ x: 2000, y: 460 + 150 + CARD_GAP })
  })

  it('never leaves a copy over a card, whichever column that card is in', () => {
    // A card of the second column that reaches into the first.
    const cards = [original, at(150, 354), at(20, 700)]
    for (const copy of [original, at(100, 200), at(30, 690), at(2000, 2000)]) {
      const place = placeCopiedCard(copy, { steps, slices, cards })
      for (const other of cards) expect(overlaps({ ...copy, ...place }, other)).toBe(false)
    }
  })
})

describe('placeJourneyStep', () => {
  it('puts a new step on the row of the others, centred on the drop', () => {
    expect(placeJourneyStep({ x: 700, y: 600 }, { w: 240, h: 100 }, steps)).toEqual({ x: 580, y: 0 })
  })

  it('centres the first step on the drop', () => {
    expect(placeJourneyStep({ x: 700, y: 600 }, { w: 240, h: 100 }, [])).toEqual({ x: 580, y: 550 })
  })
})

describe('placeReleaseSlice', () => {
  it('lines a new slice up with the others, as wide as they reach', () => {
    const ragged: Box[] = [
      { x: -20, y: 140, w: 1000, h: 400 },
      { x: 40, y: 560, w: 1200, h: 400 },
    ]
    expect(placeReleaseSlice({ x: 500, y: 1200 }, { w: 2000, h: 400 }, ragged, steps)).toEqual({
      x: -20,
      y: 1000,
      w: 1260,
      h: 400,
    })
  })

  it('reaches every journey step, also one beyond the other slices', () => {
    const farStep: Box = { x: 2400, y: 0, w: 240, h: 100 }
    expect(placeReleaseSlice({ x: 500, y: 1200 }, { w: 2000, h: 400 }, slices, [...steps, farStep])).toEqual({
      x: -20,
      y: 1000,
      w: 2660,
      h: 400,
    })
    expect(placeReleaseSlice({ x: 0, y: 0 }, { w: 2000, h: 400 }, [], [farStep])).toEqual({
      x: -1000,
      y: -200,
      w: 3640,
      h: 400,
    })
  })

  it('centres the first slice on the drop', () => {
    expect(placeReleaseSlice({ x: 0, y: 0 }, { w: 2000, h: 400 }, [], [])).toEqual({
      x: -1000,
      y: -200,
      w: 2000,
      h: 400,
    })
  })
})

describe('mapCamera', () => {
  // A page point p shows on screen at (p + camera) × z.
  const onScreen = (camera: { x: number; y: number; z: number }, p: { x: number; y: number }) => ({
    x: (p.x + camera.x) * camera.z,
    y: (p.y + camera.y) * camera.z,
  })

  it('shows a map narrower than the window at 100%, its corner under the menus', () => {
    const camera = mapCamera({ x: -20, y: 0, w: 1060, h: 1400 }, { w: 1280, h: 800 })
    expect(camera.z).toBe(1)
    expect(onScreen(camera, { x: -20, y: 0 })).toEqual({ x: FRAME_MARGIN.side, y: FRAME_MARGIN.top })
  })

  it('zooms out to fit a wide map’s width, but not below 25%', () => {
    const wide = mapCamera({ x: 0, y: 0, w: 2464, h: 900 }, { w: 1280, h: 800 })
    expect(wide.z).toBeCloseTo(0.5)
    expect(onScreen(wide, { x: 0, y: 0 }).x).toBeCloseTo(FRAME_MARGIN.side)
    expect(mapCamera({ x: 0, y: 0, w: 100_000, h: 900 }, { w: 1280, h: 800 }).z).toBe(0.25)
  })
})
