import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { type DocumentRecord, getRecords, putRecord, VOTES_KEY } from '../records'
import { backlogFromDoc, storyText, toBacklog } from './backlog'
import { MOSCOW, STORY_CARD } from './shapes'
import { backlogOf, backlogOptions, cardAt, frame, idsOf, page, shape, slice, step } from './testBoard'

// Columns: s1 spans x 0..240, s2 300..540, s3 600..840. Lanes: r1 spans y 0..400, r2 500..900.
const columns = [step('s1', 0, 'Sign up'), step('s2', 300, 'Browse'), step('s3', 600, 'Pay')]
const lanes = [slice('r1', 0, 'MVP'), slice('r2', 500, 'Later')]
const storyMap = [...columns, ...lanes]

describe('toBacklog', () => {
  it('makes one item per card with the contract fields', () => {
    const backlog = backlogOf(
      [
        ...storyMap,
        cardAt('a', 400, 100, {
          title: 'Browse by category',
          asA: 'shopper',
          iWant: 'to filter by category',
          soThat: 'I find things fast',
          acceptance: ['Shows categories', '  ', ' Filters the list '],
          estimate: 3,
          moscow: 'must',
          labels: ['catalog', ' ux ', 'catalog', ''],
        }),
      ],
      { 'shape:a|u1': 2, 'shape:a|u2': 1 },
    )
    expect(backlog).toEqual({
      boardId: 'board-1',
      versionId: null,
      generatedAt: '2026-03-01T10:00:00.000Z',
      epics: [
        { id: 'shape:s1', title: 'Sign up', description: '', jiraKey: null },
        { id: 'shape:s2', title: 'Browse', description: '', jiraKey: null },
        { id: 'shape:s3', title: 'Pay', description: '', jiraKey: null },
      ],
      releases: [
        { id: 'shape:r1', name: 'MVP' },
        { id: 'shape:r2', name: 'Later' },
      ],
      items: [
        {
          rank: 1,
          id: 'shape:a',
          title: 'Browse by category',
          story: 'As a shopper, I want to filter by category, so that I find things fast',
          acceptance: ['Shows categories', 'Filters the list'],
          estimate: 3,
          moscow: 'must',
          votes: 3,
          labels: ['catalog', 'ux'],
          epic: 'Browse',
          release: 'MVP',
          url: 'http://localhost:8787/boards/board-1?card=shape%3Aa',
          epicId: 'shape:s2',
          releaseId: 'shape:r1',
          jiraKey: null,
          comments: [],
          openQuestions: 0,
        },
      ],
      warnings: [],
    })
  })

  it('adds the positions of parent frames, nested ones too', () => {
    // Without the frames' offsets every card would sit in s1 × r1.
    const backlog = backlogOf([
      ...storyMap,
      frame('outer', 300, 500),
      frame('inner', 300, 0, 'shape:outer'),
      cardAt('in-outer', 100, 100, {}, 'shape:outer'),
      cardAt('in-inner', 100, 100, {}, 'shape:inner'),
      cardAt('on-page', 100, 100),
    ])
    const where = Object.fromEntries(backlog.items.map((item) => [item.id, [item.epic, item.release]]))
    expect(where).toEqual({
      'shape:on-page': ['Sign up', 'MVP'],
      'shape:in-outer': ['Browse', 'Later'],
      'shape:in-inner': ['Pay', 'Later'],
    })
  })

  it('treats a missing parent as the page and survives a parent cycle', () => {
    const backlog = backlogOf([
      ...storyMap,
      cardAt('orphan', 400, 100, {}, 'shape:gone'),
      frame('loop-a', 1000, 1000, 'shape:loop-b'),
      frame('loop-b', 300, 0, 'shape:loop-a'),
      cardAt('in-loop', 100, 100, {}, 'shape:loop-b'),
    ])
    const where = Object.fromEntries(backlog.items.map((item) => [item.id, item.epic]))
    // Each shape of a cycle sits at its own x, y: loop-b at 300, so its card is in Browse.
    expect(where).toEqual({ 'shape:orphan': 'Browse', 'shape:in-loop': 'Browse' })
  })

  it('puts cards outside every step and every slice last, with no epic or release', () => {
    const backlog = backlogOf([
      ...storyMap,
      cardAt('nowhere', 2000, 2000, { moscow: 'must' }),
      cardAt('no-slice', 100, 450, { moscow: 'must' }),
      cardAt('no-step', 270, 100, { moscow: 'wont' }),
      cardAt('placed', 100, 100, { moscow: 'wont' }),
    ])
    expect(idsOf(backlog)).toEqual(['placed', 'no-step', 'no-slice', 'nowhere'])
    const nowhere = backlog.items[3]
    expect([nowhere?.epic, nowhere?.epicId, nowhere?.release, nowhere?.releaseId]).toEqual([
      null,
      null,
      null,
      null,
    ])
    expect(backlog.items[1]?.epic).toBeNull()
    expect(backlog.items[2]?.release).toBeNull()
  })

  it('counts an anchor exactly on an edge as inside', () => {
    const backlog = backlogOf([
      ...storyMap,
      cardAt('left-edge', 300, 0),
      cardAt('right-edge', 240, 400),
      cardAt('bottom-edge', 840, 900),
      cardAt('top-edge', 600, 500),
      cardAt('just-past', 240.5, 400.5),
    ])
    const where = Object.fromEntries(backlog.items.map((item) => [item.id, [item.epic, item.release]]))
    expect(where).toEqual({
      'shape:left-edge': ['Browse', 'MVP'],
      'shape:right-edge': ['Sign up', 'MVP'],
      'shape:bottom-edge': ['Pay', 'Later'],
      'shape:top-edge': ['Pay', 'Later'],
      'shape:just-past': [null, null],
    })
  })

  it('gives a card in overlapping steps or slices to the first by edge, then by id', () => {
    const backlog = backlogOf([
      step('wide', 0, 'Wide', 500),
      step('later', 200, 'Later step', 500),
      step('twin-b', 1000, 'Twin B'),
      step('twin-a', 1000, 'Twin A'),
      slice('tall', 0, 'Tall', 800),
      slice('inner', 100, 'Inner', 200),
      cardAt('overlap', 300, 150),
      cardAt('twins', 1100, 150),
    ])
    expect(backlog.epics.map((epic) => epic.title)).toEqual(['Wide', 'Later step', 'Twin A', 'Twin B'])
    const where = Object.fromEntries(backlog.items.map((item) => [item.id, [item.epic, item.release]]))
    expect(where).toEqual({ 'shape:overlap': ['Wide', 'Tall'], 'shape:twins': ['Twin A', 'Tall'] })
  })

  it('ranks by slice before MoSCoW', () => {
    const backlog = backlogOf([
      ...storyMap,
      cardAt('later-must', 100, 600, { moscow: 'must' }),
      cardAt('mvp-wont', 100, 100, { moscow: 'wont' }),
    ])
    expect(idsOf(backlog)).toEqual(['mvp-wont', 'later-must'])
  })

  it('ranks by MoSCoW, unset between could and wont, before votes', () => {
    const backlog = backlogOf(
      [
        ...storyMap,
        cardAt('wont', 100, 50, { moscow: 'wont' }),
        cardAt('unset', 100, 100, { moscow: null }),
        cardAt('could', 100, 150, { moscow: 'could' }),
        cardAt('should', 100, 200, { moscow: 'should' }),
        cardAt('must', 100, 250, { moscow: 'must' }),
      ],
      { 'shape:wont|u1': 5, 'shape:unset|u1': 4, 'shape:could|u1': 3, 'shape:should|u1': 2 },
    )
    expect(idsOf(backlog)).toEqual(['must', 'should', 'could', 'unset', 'wont'])
    expect(backlog.items.map((item) => item.rank)).toEqual([1, 2, 3, 4, 5])
  })

  it('ranks by votes summed across users before row', () => {
    const backlog = backlogOf(
      [...storyMap, cardAt('top', 100, 50), cardAt('middle', 100, 200), cardAt('bottom', 100, 350)],
      { 'shape:bottom|u1': 2, 'shape:bottom|u2': 2, 'shape:middle|u1': 3, 'shape:top|u3': 1 },
    )
    expect(idsOf(backlog)).toEqual(['bottom', 'middle', 'top'])
    expect(backlog.items.map((item) => item.votes)).toEqual([4, 3, 1])
  })

  it('ignores votes that are not positive finite numbers, and other cards that share a prefix', () => {
    const backlog = backlogOf([...storyMap, cardAt('a', 100, 100), cardAt('ab', 100, 300)], {
      'shape:a|u1': 2,
      'shape:a|u2': -3,
      'shape:a|u3': 0,
      'shape:a|u4': Number.NaN,
      'shape:a|u5': Number.POSITIVE_INFINITY,
      'shape:a|u6': '4',
      'shape:ab|u1': 1,
      'shape:a': 7,
      'shape:gone|u1': 3,
    })
    expect(backlog.items.map((item) => [item.id, item.votes])).toEqual([
      ['shape:a', 2],
      ['shape:ab', 1],
    ])
  })

  it('takes votes from a Map as from a plain object', () => {
    const records = [...storyMap, cardAt('a', 100, 100), cardAt('b', 100, 300)]
    const votes = { 'shape:b|u1': 2, 'shape:a|u1': 1 }
    expect(backlogOf(records, new Map(Object.entries(votes)))).toEqual(backlogOf(records, votes))
  })

  it('ranks by row before step order', () => {
    // In one slice: row 0 of every step, then row 1 of every step, each row left to right.
    const backlog = backlogOf([
      ...storyMap,
      cardAt('s1-row1', 100, 300),
      cardAt('s1-row0', 100, 100),
      cardAt('s3-row0', 700, 350),
      cardAt('s2-row0', 400, 200),
      cardAt('s2-row1', 400, 390),
    ])
    expect(idsOf(backlog)).toEqual(['s1-row0', 's2-row0', 's3-row0', 's1-row1', 's2-row1'])
  })

  it('orders cards on one row by step, then cards level in one cell by id', () => {
    const backlog = backlogOf([
      ...storyMap,
      cardAt('b', 400, 100),
      cardAt('c', 100, 100),
      cardAt('a', 400, 100),
    ])
    expect(idsOf(backlog)).toEqual(['c', 'a', 'b'])
  })

  it('skips a card, step or slice with invalid props and warns instead of throwing', () => {
    const broken = shape('shape:broken', STORY_CARD, { x: 0, y: 0 }, { title: 42 })
    const noPosition = { ...cardAt('no-position', 100, 100), x: 'left' }
    const badStep = step('bad-step', 300, 'Browse')
    badStep.props = { w: -1, h: 100, title: 'Browse', description: '' }
    const badSlice = slice('bad-slice', 0, 'MVP')
    badSlice.props = { w: 2000, h: 400 }
    const backlog = backlogOf([
      step('s1', 0, 'Sign up'),
      badStep,
      badSlice,
      broken,
      noPosition,
      cardAt('fine', 400, 100),
      cardAt('also-fine', 100, 100, { estimate: 2 }),
    ])
    expect(idsOf(backlog)).toEqual(['also-fine', 'fine'])
    expect(backlog.items[1]).toMatchObject({ epic: null, release: null })
    expect(backlog.warnings.map((warning) => warning.shapeId)).toEqual([
      'shape:bad-slice',
      'shape:bad-step',
      'shape:broken',
      'shape:no-position',
    ])
    expect(backlog.warnings[2]?.message).toMatch(/story-card.*props\.title/)
    expect(backlog.warnings[3]?.message).toMatch(/\bx\b/)
  })

  it('gives a backlog for a board with no steps or no slices', () => {
    expect(backlogOf([]).items).toEqual([])
    const noSteps = backlogOf([...lanes, cardAt('b', 100, 600), cardAt('a', 5000, 100)])
    expect(idsOf(noSteps)).toEqual(['a', 'b'])
    expect(noSteps.items.map((item) => [item.epic, item.release])).toEqual([
      [null, 'MVP'],
      [null, 'Later'],
    ])
    const noSlices = backlogOf([...columns, cardAt('c', 700, 100), cardAt('d', 100, 900)])
    expect(idsOf(noSlices)).toEqual(['d', 'c'])
    expect(noSlices.items.map((item) => [item.epic, item.release])).toEqual([
      ['Sign up', null],
      ['Pay', null],
    ])
  })

  it('falls back for blank titles', () => {
    const backlog = backlogOf([
      step('blank-step', 0, ' '),
      slice('blank-slice', 0, ''),
      cardAt('wanted', 100, 100, { title: '  ', iWant: 'to pay by card' }),
      cardAt('empty', 100, 300, { title: '' }),
    ])
    expect(backlog.items.map((item) => [item.title, item.epic, item.release])).toEqual([
      ['to pay by card', 'Untitled step', 'Untitled release'],
      ['Untitled card', 'Untitled step', 'Untitled release'],
    ])
  })
})

describe('storyText', () => {
  it('leaves out blank parts', () => {
    expect(storyText({ asA: 'buyer', iWant: 'to pay', soThat: 'I get it' })).toBe(
      'As a buyer, I want to pay, so that I get it',
    )
    expect(storyText({ asA: '', iWant: ' to pay ', soThat: '' })).toBe('I want to pay')
    expect(storyText({ asA: 'buyer', iWant: '', soThat: 'I get it' })).toBe('As a buyer, so that I get it')
    expect(storyText({ asA: '', iWant: '', soThat: 'I get it' })).toBe('So that I get it')
    expect(storyText({ asA: ' ', iWant: '', soThat: '' })).toBe('')
  })
})

interface GeneratedBoard {
  records: DocumentRecord[]
  votes: [string, number][]
}

const position = fc.integer({ min: -2, max: 20 }).map((n) => n * 50)

/** Small random boards on a coarse grid, so that edges, overlaps and ties are common. */
const boardArbitrary: fc.Arbitrary<GeneratedBoard> = fc
  .record({
    steps: fc.array(
      fc.record({ x: position, w: fc.constantFrom(100, 240, 400), title: fc.constantFrom('A', 'B') }),
      {
        maxLength: 5,
      },
    ),
    slices: fc.array(
      fc.record({ y: position, h: fc.constantFrom(100, 400), name: fc.constantFrom('R1', 'R2') }),
      {
        maxLength: 4,
      },
    ),
    frames: fc.array(fc.record({ x: position, y: position, parent: fc.nat() }), { maxLength: 3 }),
    cards: fc.array(
      fc.record({
        x: position,
        y: position,
        parent: fc.option(fc.nat()),
        moscow: fc.constantFrom(...MOSCOW, null),
        estimate: fc.option(fc.integer({ min: 0, max: 13 })),
        valid: fc.boolean(),
      }),
      { maxLength: 15 },
    ),
    votes: fc.array(fc.tuple(fc.nat(), fc.constantFrom('u1', 'u2', 'u3'), fc.integer({ min: -1, max: 3 })), {
      maxLength: 30,
    }),
  })
  .map(({ steps, slices, frames, cards, votes }) => {
    const frameId = (i: number) => `shape:frame-${i}`
    const records: DocumentRecord[] = [
      page,
      ...steps.map(({ x, w, title }, i) => step(`step-${i}`, x, title, w)),
      ...slices.map(({ y, h, name }, i) => slice(`slice-${i}`, y, name, h)),
      // A frame's parent is any frame, itself included, so cycles happen too.
      ...frames.map(({ x, y, parent }, i) => frame(`frame-${i}`, x, y, frameId(parent % frames.length))),
      ...cards.map(({ x, y, parent, moscow, estimate, valid }, i) => {
        const parentId = parent === null || frames.length === 0 ? undefined : frameId(parent % frames.length)
        const card = cardAt(`card-${i}`, x, y, { moscow, estimate }, parentId)
        return valid ? card : { ...card, props: { title: i } }
      }),
    ]
    const byKey = new Map(votes.map(([card, user, dots]) => [`shape:card-${card % 12}|${user}`, dots]))
    return { records, votes: [...byKey] }
  })

const shuffledBoard = boardArbitrary.chain((board) =>
  fc.record({
    board: fc.constant(board),
    records: fc.shuffledSubarray(board.records, { minLength: board.records.length }),
    votes: fc.shuffledSubarray(board.votes, { minLength: board.votes.length }),
  }),
)

function docOf(records: readonly DocumentRecord[], votes: readonly [string, number][]): Y.Doc {
  const doc = new Y.Doc()
  doc.transact(() => {
    for (const record of records) putRecord(getRecords(doc), record)
    const votesMap = doc.getMap<number>(VOTES_KEY)
    for (const [key, dots] of votes) votesMap.set(key, dots)
  })
  return doc
}

describe('toBacklog is deterministic', () => {
  it('gives the same backlog whatever order the records and votes were inserted in', () => {
    fc.assert(
      fc.property(shuffledBoard, ({ board, records, votes }) => {
        const original = toBacklog({ ...backlogOptions, records: board.records, votes: new Map(board.votes) })
        const shuffled = toBacklog({ ...backlogOptions, records, votes: Object.fromEntries(votes) })
        expect(shuffled).toEqual(original)
      }),
      { numRuns: 300 },
    )
  })

  it('reads the same backlog from a Y.Doc as from its records', () => {
    fc.assert(
      fc.property(shuffledBoard, ({ board, records, votes }) => {
        const fromDoc = backlogFromDoc(docOf(records, votes), backlogOptions)
        expect(fromDoc).toEqual(
          toBacklog({ ...backlogOptions, records: board.records, votes: new Map(board.votes) }),
        )
      }),
      { numRuns: 100 },
    )
  })

  it('reads a story map synced into another Y.Doc', () => {
    const source = docOf(
      [page, ...storyMap, cardAt('a', 100, 100), cardAt('b', 400, 100)],
      [['shape:b|u1', 2]],
    )
    const replica = new Y.Doc()
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(source))
    const backlog = backlogFromDoc(replica, backlogOptions)
    expect(backlog.items.map((item) => [item.id, item.votes, item.epic])).toEqual([
      ['shape:b', 2, 'Browse'],
      ['shape:a', 0, 'Sign up'],
    ])
  })
})
