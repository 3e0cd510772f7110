import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  asPokerRound,
  POKER_DECK_NAMES,
  POKER_DECKS,
  POKER_KEY,
  type PokerDeck,
  PokerValueBody,
  pointsOf,
  pokerRoundOf,
  ROUND_KEY,
  spread,
  UNSURE,
} from './poker'

/** A deck and a table of picks from it: user ids to faces. */
const table = fc
  .constantFrom(...POKER_DECK_NAMES)
  .chain((deck) =>
    fc
      .dictionary(
        fc.string({ minLength: 1, maxLength: 6 }),
        fc.constantFrom(...(POKER_DECKS[deck] as readonly string[])),
        { maxKeys: 12 },
      )
      .map((values) => ({ deck, values })),
  )

const rankIn = (deck: PokerDeck) => (value: string) => (POKER_DECKS[deck] as readonly string[]).indexOf(value)

describe('spread', () => {
  it('counts every pick once, under its face, in deck order', () => {
    fc.assert(
      fc.property(table, ({ deck, values }) => {
        const { counts } = spread(values, deck)
        const listed = counts.flatMap(({ value, people }) => people.map((userId) => [userId, value]))
        expect(Object.fromEntries(listed)).toEqual(values)
        expect(listed.length).toBe(Object.keys(values).length)
        const ranks = counts.map(({ value }) => rankIn(deck)(value))
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b))
        expect(new Set(ranks).size).toBe(ranks.length)
      }),
    )
  })

  it('the median is a face someone sized with, with at least half the sized picks on each side', () => {
    fc.assert(
      fc.property(table, ({ deck, values }) => {
        const { median } = spread(values, deck)
        const sized = Object.values(values).filter((value) => value !== UNSURE)
        expect(median === null).toBe(sized.length === 0)
        if (median === null) return
        expect(sized).toContain(median)
        const rank = rankIn(deck)
        const at = rank(median)
        expect(2 * sized.filter((value) => rank(value) <= at).length).toBeGreaterThanOrEqual(sized.length)
        expect(2 * sized.filter((value) => rank(value) >= at).length).toBeGreaterThanOrEqual(sized.length)
      }),
    )
  })

  it('names exactly the people at the lowest and highest face that is not the median; ? aside', () => {
    fc.assert(
      fc.property(table, ({ deck, values }) => {
        const { median, outliers, unsure } = spread(values, deck)
        const rank = rankIn(deck)
        const sized = Object.entries(values).filter(([, value]) => value !== UNSURE)
        const ranks = sized.map(([, value]) => rank(value))
        const low = Math.min(...ranks)
        const high = Math.max(...ranks)
        const expected = sized
          .filter(([, value]) => value !== median && (rank(value) === low || rank(value) === high))
          .map(([userId]) => userId)
          .sort()
        expect(outliers.map(({ userId }) => userId).sort()).toEqual(expected)
        for (const { userId, value } of outliers) expect(values[userId]).toBe(value)
        expect(unsure.sort()).toEqual(
          Object.keys(values)
            .filter((userId) => values[userId] === UNSURE)
            .sort(),
        )
      }),
    )
  })

  it('does not depend on the order the picks came in', () => {
    fc.assert(
      fc.property(table, fc.infiniteStream(fc.nat()), ({ deck, values }, seeds) => {
        const shuffled = Object.entries(values)
          .map((entry) => ({ entry, key: seeds.next().value }))
          .sort((a, b) => a.key - b.key)
          .map(({ entry }) => entry)
        expect(spread(Object.fromEntries(shuffled), deck)).toEqual(spread(values, deck))
      }),
    )
  })

  it('T-shirt sizes go by the deck, not the alphabet; "hear them first" names both ends', () => {
    const { counts, median, outliers } = spread(
      { ana: 'XS', ben: 'M', cy: 'L', dee: 'M', eve: 'XL' },
      'tshirt',
    )
    expect(counts.map(({ value }) => value)).toEqual(['XS', 'M', 'L', 'XL'])
    expect(median).toBe('M')
    expect(outliers).toEqual([
      { userId: 'ana', value: 'XS' },
      { userId: 'eve', value: 'XL' },
    ])
    expect(spread({ ana: '3', ben: '5' }, 'fibonacci').median).toBe('5')
    expect(spread({ ana: UNSURE }, 'fibonacci')).toEqual({
      counts: [{ value: UNSURE, people: ['ana'] }],
      median: null,
      outliers: [],
      unsure: ['ana'],
    })
  })
})

describe('pointsOf', () => {
  it('Fibonacci faces are their points, T-shirt sizes 1 2 3 5 8, and ? or a foreign face none', () => {
    expect(POKER_DECKS.fibonacci.map((face) => pointsOf('fibonacci', face))).toEqual([
      0,
      1,
      2,
      3,
      5,
      8,
      13,
      21,
      null,
    ])
    expect(POKER_DECKS.tshirt.map((face) => pointsOf('tshirt', face))).toEqual([1, 2, 3, 5, 8, null])
    expect(pointsOf('tshirt', '5')).toBeNull()
    expect(pointsOf('fibonacci', 'M')).toBeNull()
    expect(pointsOf('tshirt', 'toString')).toBeNull()
  })
})

describe('the round in the document', () => {
  it('values are read only once revealed, whatever the map holds', () => {
    const doc = new Y.Doc()
    const round = {
      id: 'r1',
      cardId: 'shape:a',
      deck: 'tshirt',
      openedBy: 'u1',
      openedByName: 'Ana',
      openedAt: 1,
      estimated: { u2: 'Ben' },
      revealed: false,
      values: { u2: 'M' },
    }
    doc.getMap(POKER_KEY).set(ROUND_KEY, round)
    expect(pokerRoundOf(doc)).toEqual({ ...round, values: undefined })
    expect(pokerRoundOf(doc)).not.toHaveProperty('values')
    expect(asPokerRound({ ...round, revealed: true })?.values).toEqual({ u2: 'M' })
    expect(asPokerRound({ ...round, deck: 'tarot' })).toBeNull()
    expect(asPokerRound(null)).toBeNull()
  })

  it('a face is sent as a string, or a Fibonacci one as a number', () => {
    expect(PokerValueBody.parse({ value: 5 })).toEqual({ value: '5' })
    expect(PokerValueBody.parse({ value: 'XL' })).toEqual({ value: 'XL' })
    expect(PokerValueBody.safeParse({ value: '' }).success).toBe(false)
    expect(PokerValueBody.safeParse({}).success).toBe(false)
  })
})
