import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { boardFile, readBoardFile } from './boardFile'
import { type DocumentRecord, getRecords, putRecord, readRecords } from './records'
import { toBacklog } from './storyMap/backlog'
import { MOSCOW } from './storyMap/shapes'
import { backlogOptions, cardAt, frame, page, slice, step } from './storyMap/testBoard'

describe('board file', () => {
  it('holds the title, the time and the records, in the contract’s format', () => {
    const records = [{ id: 'page:page', typeName: 'page', name: 'Page 1' }]
    expect(boardFile('Checkout', records, new Date('2026-12-03T10:00:00Z'))).toEqual({
      format: 'refinery-board',
      version: 1,
      title: 'Checkout',
      exportedAt: '2026-12-03T10:00:00.000Z',
      records,
    })
  })
})

describe('reading a board file', () => {
  const file = (records: unknown[], more: object = {}) => ({
    format: 'refinery-board',
    version: 1,
    title: 'Checkout',
    exportedAt: '2026-12-03T10:00:00.000Z',
    records,
    ...more,
  })

  it('refuses a later version with that reason, whatever else the file holds', () => {
    expect(readBoardFile({ ...file([]), version: 2, records: 'anything' })).toEqual({
      reason: 'the file is a board file of version 2; this Refinery reads version 1',
    })
  })

  it.each([
    [
      'another format',
      file([], { format: 'excalidraw' }),
      'format: Invalid input: expected "refinery-board"',
    ],
    ['no title', file([], { title: ' ' }), 'title: Give the board a title'],
    [
      'a record of no board type',
      file([{ id: 'camera:1', typeName: 'camera' }]),
      'records.0.typeName: not a board record type',
    ],
    ['an id twice', file([page, page]), 'records.1: the id page:main is there twice'],
    [
      'a card with a bad estimate',
      file([cardAt('a', 0, 0, { estimate: -1 })]),
      'records.0 (shape:a): props.estimate: Too small: expected number to be >=0',
    ],
  ])('refuses %s, saying why', (_, json, reason) => {
    expect(readBoardFile(json)).toEqual({ reason })
  })

  // Text fields go into the document as Y.Text and come out as strings: the board must not change.
  const text = fc.string({ maxLength: 12 })
  const card = fc.record({
    x: fc.integer({ min: -200, max: 1400 }),
    y: fc.integer({ min: -200, max: 1400 }),
    inFrame: fc.boolean(),
    props: fc.record({
      title: text,
      asA: text,
      iWant: text,
      soThat: text,
      acceptance: fc.array(text, { maxLength: 3 }),
      estimate: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
      moscow: fc.option(fc.constantFrom(...MOSCOW), { nil: null }),
      labels: fc.array(text, { maxLength: 3 }),
    }),
    jiraKey: fc.option(fc.constantFrom('A-1', 'A-2', 'B-7'), { nil: null }),
  })
  const board = fc.record({
    steps: fc.array(fc.tuple(fc.integer({ min: -100, max: 1200 }), text), { maxLength: 4 }),
    slices: fc.array(fc.tuple(fc.integer({ min: -100, max: 1200 }), text), { maxLength: 3 }),
    cards: fc.array(card, { maxLength: 12 }),
  })

  it('brings back a board whose backlog is the original’s, item for item', () => {
    fc.assert(
      fc.property(board, ({ steps, slices, cards }) => {
        const records: DocumentRecord[] = [
          page,
          frame('f', 100, 100),
          ...steps.map(([x, title], i) => step(`s${i}`, x, title)),
          ...slices.map(([y, name], i) => slice(`r${i}`, y, name)),
          ...cards.map((c, i) => ({
            ...cardAt(`c${i}`, c.x, c.y, c.props, c.inFrame ? 'shape:f' : undefined),
            meta: c.jiraKey === null ? {} : { jiraKey: c.jiraKey },
          })),
        ]
        const read = readBoardFile(JSON.parse(JSON.stringify(boardFile('Checkout', records))))
        if ('reason' in read) throw new Error(read.reason)
        const doc = new Y.Doc()
        for (const record of read.records) putRecord(getRecords(doc), record)
        const backlogOf = (of: DocumentRecord[]) => toBacklog({ ...backlogOptions, records: of, votes: {} })
        expect(backlogOf(readRecords(doc))).toEqual(backlogOf(records))
      }),
      { numRuns: 80 },
    )
  })
})
