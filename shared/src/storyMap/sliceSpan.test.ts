import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type HorizontalSpan, slicesSpanningSteps } from './sliceSpan'

// Page coordinates as people draw them: fractions from dragging at any zoom, far from the origin too.
const span = fc.record({
  x: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  w: fc.double({ min: 1e-3, max: 1e5, noNaN: true }),
})
const slice = fc.record({ id: fc.uuid(), x: span.map((s) => s.x), w: span.map((s) => s.w) })
const map = fc.record({ steps: fc.array(span, { maxLength: 12 }), slices: fc.array(slice, { maxLength: 6 }) })

// x + w is rounded: an edge computed from it may be a rounding short.
const ROUNDING = 1e-6
const right = (box: HorizontalSpan) => box.x + box.w

describe('slicesSpanningSteps', () => {
  it('widens a slice to the steps on either side, and keeps what it holds', () => {
    const steps = [
      { x: 0, w: 240 },
      { x: 900, w: 240 },
    ]
    expect(slicesSpanningSteps(steps, [{ id: 'mvp', x: -20, w: 600 }])).toEqual([
      { id: 'mvp', x: -20, w: 1160 },
    ])
    expect(slicesSpanningSteps(steps, [{ id: 'later', x: 100, w: 2000 }])).toEqual([
      { id: 'later', x: 0, w: 2100 },
    ])
  })

  it('gives back the very slice that already spans the steps, and every slice when there is no step', () => {
    const wide = { x: -100, w: 5000 }
    expect(slicesSpanningSteps([{ x: 0, w: 240 }], [wide])[0]).toBe(wide)
    expect(slicesSpanningSteps([], [{ x: 0, w: 10 }])).toEqual([{ x: 0, w: 10 }])
  })

  it('leaves every step’s span within every slice’s span', () => {
    fc.assert(
      fc.property(map, ({ steps, slices }) => {
        for (const widened of slicesSpanningSteps(steps, slices)) {
          for (const step of steps) {
            expect(widened.x).toBeLessThanOrEqual(step.x)
            expect(right(widened)).toBeGreaterThanOrEqual(right(step) - ROUNDING)
          }
        }
      }),
    )
  })

  it('never narrows a slice, nor moves its left edge further left than the leftmost step', () => {
    fc.assert(
      fc.property(map, ({ steps, slices }) => {
        const leftmost = Math.min(...steps.map((step) => step.x))
        slicesSpanningSteps(steps, slices).forEach((widened, index) => {
          const before = slices[index] as (typeof slices)[number]
          expect(widened.id).toBe(before.id)
          expect(widened.x).toBe(Math.min(before.x, leftmost))
          expect(right(widened)).toBeGreaterThanOrEqual(right(before) - ROUNDING)
        })
      }),
    )
  })

  it('changes nothing the second time', () => {
    fc.assert(
      fc.property(map, ({ steps, slices }) => {
        const once = slicesSpanningSteps(steps, slices)
        const twice = slicesSpanningSteps(steps, once)
        twice.forEach((widened, index) => {
          expect(widened).toBe(once[index])
        })
      }),
    )
  })
})
