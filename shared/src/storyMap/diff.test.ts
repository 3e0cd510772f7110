import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { BacklogItem } from './backlog'
import { DIFF_FIELDS, diffBacklogs } from './diff'
import { backlogOf, cardAt, slice, step } from './testBoard'

const map = [
  step('browse', 0, 'Browse'),
  step('pay', 300, 'Pay'),
  slice('mvp', 0, 'MVP'),
  slice('r2', 400, 'R2'),
]

describe('diffBacklogs', () => {
  it('names the cards added, removed, re-estimated, voted on and moved between releases, with before and after', () => {
    const before = backlogOf([
      ...map,
      cardAt('search', 120, 100, { estimate: 3, moscow: 'must' }),
      cardAt('filter', 120, 250, { estimate: 5 }),
      cardAt('wishlist', 420, 100, { moscow: 'could' }),
    ])
    const after = backlogOf(
      [
        ...map,
        cardAt('search', 120, 100, { estimate: 8, moscow: 'must' }),
        cardAt('filter', 120, 500, { estimate: 5 }),
        cardAt('pay-later', 420, 100, { moscow: 'should' }),
      ],
      { 'shape:filter|u1': 2 },
    )

    const diff = diffBacklogs(before, after)

    expect(diff.added.map((item) => item.id)).toEqual(['shape:pay-later'])
    expect(diff.removed.map((item) => item.id)).toEqual(['shape:wishlist'])
    expect(diff.changed).toEqual([
      { id: 'shape:search', title: 'search', changes: [{ field: 'estimate', before: 3, after: 8 }] },
      {
        id: 'shape:filter',
        title: 'filter',
        changes: [
          { field: 'votes', before: 0, after: 2 },
          { field: 'release', before: 'MVP', after: 'R2' },
        ],
      },
    ])
  })

  it('sees a change inside a list (labels, acceptance criteria)', () => {
    const before = backlogOf([...map, cardAt('a', 120, 100, { labels: ['ux', 'api'], acceptance: ['one'] })])
    const after = backlogOf([
      ...map,
      cardAt('a', 120, 100, { labels: ['api', 'ux'], acceptance: ['one', 'two'] }),
    ])
    expect(diffBacklogs(before, after).changed[0]?.changes.map((change) => change.field)).toEqual([
      'acceptance',
      'labels',
    ])
  })

  const item = fc.record({
    id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
    rank: fc.nat(10),
    title: fc.constantFrom('x', 'y'),
    estimate: fc.constantFrom(null, 1, 2),
    labels: fc.array(fc.constantFrom('p', 'q'), { maxLength: 2 }),
  })
  const items = fc.uniqueArray(item, { selector: (entry) => entry.id, maxLength: 6 }).map((entries) =>
    entries.map(
      (entry) =>
        ({
          story: '',
          acceptance: [],
          moscow: null,
          votes: 0,
          epic: null,
          release: null,
          url: '',
          epicId: null,
          releaseId: null,
          jiraKey: null,
          comments: [],
          openQuestions: 0,
          ...entry,
        }) satisfies BacklogItem,
    ),
  )

  it('finds nothing between a backlog and itself, and the same cards both ways round', () => {
    fc.assert(
      fc.property(items, items, (before, after) => {
        expect(diffBacklogs({ items: before }, { items: before })).toEqual({
          added: [],
          removed: [],
          changed: [],
        })
        const forth = diffBacklogs({ items: before }, { items: after })
        const back = diffBacklogs({ items: after }, { items: before })
        expect(forth.added.map((entry) => entry.id).sort()).toEqual(
          back.removed.map((entry) => entry.id).sort(),
        )
        expect(forth.changed.map((entry) => entry.id).sort()).toEqual(
          back.changed.map((entry) => entry.id).sort(),
        )
        const kept = before.filter((entry) => after.some((other) => other.id === entry.id)).length
        expect(forth.added.length + kept).toBe(after.length)
        expect(forth.removed.length + kept).toBe(before.length)
      }),
    )
  })

  it('reports a field exactly when it differs, with the values of each side', () => {
    fc.assert(
      fc.property(items, items, (before, after) => {
        const diff = diffBacklogs({ items: before }, { items: after })
        for (const later of after) {
          const earlier = before.find((entry) => entry.id === later.id)
          if (!earlier) continue
          const changed = diff.changed.find((entry) => entry.id === later.id)?.changes ?? []
          for (const field of DIFF_FIELDS) {
            const change = changed.find((entry) => entry.field === field)
            const differs = JSON.stringify(earlier[field]) !== JSON.stringify(later[field])
            expect(change !== undefined).toBe(differs)
            if (change) expect([change.before, change.after]).toEqual([earlier[field], later[field]])
          }
        }
      }),
    )
  })
})
