import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Board, type PagePlacement, type Placement, pagePlacement, rehomeOrphans } from './orphans'

function boardOf(shapes: Map<string, Placement>, pages: readonly string[]): Board {
  return { shape: (id) => shapes.get(id), isPage: (id) => pages.includes(id) }
}

function expectClose(actual: PagePlacement | undefined, expected: PagePlacement | undefined): void {
  expect(actual?.pageId).toBe(expected?.pageId)
  for (const key of ['x', 'y', 'rotation'] as const) {
    expect(actual?.[key]).toBeCloseTo(expected?.[key] as number, 6)
  }
}

describe('pagePlacement', () => {
  it('adds the positions of the parents, turned by their rotation', () => {
    const shapes = new Map<string, Placement>([
      ['shape:frame', { parentId: 'page:a', x: 100, y: 50, rotation: Math.PI / 2 }],
      ['shape:card', { parentId: 'shape:frame', x: 10, y: 0, rotation: 0 }],
    ])
    expectClose(pagePlacement(boardOf(shapes, ['page:a']), 'shape:card'), {
      pageId: 'page:a',
      x: 100,
      y: 60,
      rotation: Math.PI / 2,
    })
  })

  it('knows no place for a shape under a missing parent or in a cycle', () => {
    const shapes = new Map<string, Placement>([
      ['shape:lost', { parentId: 'shape:gone', x: 0, y: 0, rotation: 0 }],
      ['shape:a', { parentId: 'shape:b', x: 0, y: 0, rotation: 0 }],
      ['shape:b', { parentId: 'shape:a', x: 0, y: 0, rotation: 0 }],
    ])
    const board = boardOf(shapes, ['page:a'])
    expect(pagePlacement(board, 'shape:lost')).toBeUndefined()
    expect(pagePlacement(board, 'shape:a')).toBeUndefined()
  })
})

describe('rehomeOrphans', () => {
  it('puts a card added to a deleted frame back at the page position it had', () => {
    const shapes = new Map<string, Placement>([
      ['shape:frame', { parentId: 'page:a', x: 300, y: 200, rotation: 0 }],
      ['shape:card', { parentId: 'shape:frame', x: 20, y: 30, rotation: 0 }],
    ])
    const departed = new Map([['shape:frame', pagePlacement(boardOf(shapes, ['page:a']), 'shape:frame')]])
    shapes.delete('shape:frame')

    const board = boardOf(shapes, ['page:a', 'page:b'])
    expect(rehomeOrphans(board, shapes.keys(), 'page:b', (id) => departed.get(id))).toEqual([
      { id: 'shape:card', parentId: 'page:a', x: 320, y: 230, rotation: 0 },
    ])
  })

  it('without knowing where the parent was, keeps the shape where the backlog counts it', () => {
    const shapes = new Map<string, Placement>([
      ['shape:card', { parentId: 'shape:gone', x: 20, y: 30, rotation: 0 }],
      ['shape:a', { parentId: 'shape:b', x: 1, y: 2, rotation: 0 }],
      ['shape:b', { parentId: 'shape:a', x: 3, y: 4, rotation: 0 }],
    ])
    const moves = rehomeOrphans(boardOf(shapes, ['page:a']), shapes.keys(), 'page:a')
    expect(moves).toContainEqual({ id: 'shape:card', parentId: 'page:a', x: 20, y: 30, rotation: 0 })
    // One shape of the cycle goes back on the page; the other is then its child again.
    expect(moves.filter((move) => move.id === 'shape:a' || move.id === 'shape:b')).toHaveLength(1)
  })

  it('does nothing on a board with no page to put anything on', () => {
    const shapes = new Map<string, Placement>([
      ['shape:card', { parentId: 'page:gone', x: 0, y: 0, rotation: 0 }],
    ])
    expect(rehomeOrphans(boardOf(shapes, []), shapes.keys(), undefined)).toEqual([])
  })

  // A random board of frames in frames on two pages; some shapes are deleted (their page positions
  // remembered, as the server does) and some parents point at ids that never existed.
  const board = fc
    .array(
      fc.record({
        parent: fc.nat(),
        x: fc.integer({ min: -1000, max: 1000 }),
        y: fc.integer({ min: -1000, max: 1000 }),
        rotation: fc.constantFrom(0, 0, Math.PI / 2, 0.3),
        deleted: fc.boolean(),
        dangling: fc.boolean(),
      }),
      { minLength: 1, maxLength: 25 },
    )
    .map((specs) => {
      const pages = ['page:a', 'page:b']
      const shapes = new Map<string, Placement>()
      specs.forEach((spec, index) => {
        // Each shape's parent is a page or an earlier shape, so the board starts whole.
        const choices = [...pages, ...[...shapes.keys()]]
        shapes.set(`shape:${index}`, {
          parentId: choices[spec.parent % choices.length],
          x: spec.x,
          y: spec.y,
          rotation: spec.rotation,
        })
      })
      return { pages, shapes, specs }
    })

  it('leaves every shape on a page, moves none that was fine, and puts back what it can where it was', () => {
    fc.assert(
      fc.property(board, ({ pages, shapes, specs }) => {
        const whole = boardOf(shapes, pages)
        const before = new Map([...shapes.keys()].map((id) => [id, pagePlacement(whole, id)]))
        const departed = new Map<string, PagePlacement | undefined>()
        specs.forEach((spec, index) => {
          const id = `shape:${index}`
          if (spec.deleted) {
            departed.set(id, before.get(id))
            shapes.delete(id)
          }
        })
        const dangling = new Set<string>()
        specs.forEach((spec, index) => {
          const shape = shapes.get(`shape:${index}`)
          if (shape && spec.dangling && index % 3 === 0) {
            shape.parentId = `shape:never-${index}`
            dangling.add(`shape:${index}`)
          }
        })
        const broken = boardOf(shapes, pages)
        const fine = new Set([...shapes.keys()].filter((id) => pagePlacement(broken, id) !== undefined))

        const moves = rehomeOrphans(broken, shapes.keys(), 'page:a', (id) => departed.get(id))
        for (const move of moves) {
          const shape = shapes.get(move.id) as Placement
          Object.assign(shape, { parentId: move.parentId, x: move.x, y: move.y, rotation: move.rotation })
        }

        expect(moves.every((move) => !fine.has(move.id))).toBe(true)
        for (const id of shapes.keys()) {
          const after = pagePlacement(broken, id)
          expect(after).toBeDefined()
          // Whatever no dangling parent touched is back where it was before the deletes.
          let touched = false
          for (let at: unknown = id; typeof at === 'string' && shapes.has(at); ) {
            if (dangling.has(at)) touched = true
            at = shapes.get(at)?.parentId
          }
          if (!touched) expectClose(after, before.get(id))
        }
        expect(rehomeOrphans(broken, shapes.keys(), 'page:a')).toEqual([])
      }),
      { numRuns: 400 },
    )
  })
})
