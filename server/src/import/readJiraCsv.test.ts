import { readFileSync } from 'node:fs'
import {
  BOARD_LIMITS,
  type DocumentRecord,
  type JiraImport,
  MAX_JIRA_ROWS,
  toBacklog,
} from '@refinery/shared'
import { backlogOptions } from '@refinery/shared/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readJiraCsv } from './readJiraCsv'

const SAMPLE = readFileSync(new URL('../../../e2e/fixtures/jira-export.csv', import.meta.url), 'utf8')

function recordsOf(imported: JiraImport): DocumentRecord[] {
  if ('error' in imported) throw new Error(`line ${imported.error.line}: ${imported.error.reason}`)
  return imported.records
}

const backlogOf = (records: DocumentRecord[]) => toBacklog({ ...backlogOptions, records, votes: {} })

/** RFC 4180 as Jira writes it: every cell quoted, quotes doubled, CRLF between rows. */
function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map((cell) => `"${cell.replaceAll('"', '""')}"`).join(',')).join('\r\n')
}

describe('a Jira CSV export as a story map', () => {
  const backlog = backlogOf(recordsOf(readJiraCsv(SAMPLE)))
  const item = (title: string) => backlog.items.find((candidate) => candidate.title === title)

  it('makes each epic a step in file order, an epic only named by its stories included', () => {
    expect(backlog.epics.map(({ title, description, jiraKey }) => ({ title, description, jiraKey }))).toEqual(
      [
        {
          title: 'Browse the catalogue',
          description:
            'Everything a shopper does before choosing, from the first search to the product page.',
          jiraKey: 'SHOP-1',
        },
        { title: 'Checkout', description: 'Paying and getting a receipt.', jiraKey: 'SHOP-2' },
        { title: 'Notifications', description: '', jiraKey: null },
      ],
    )
  })

  it('makes each fix version a slice in file order, then one for the stories with none', () => {
    expect(backlog.releases.map((release) => release.name)).toEqual(['MVP', 'Release 2', 'No version'])
  })

  it('puts every story in its epic’s column and its version’s lane, with its fields and key', () => {
    expect(backlog.items.map((story) => [story.title, story.epic, story.release, story.jiraKey])).toEqual([
      ['Search by name', 'Browse the catalogue', 'MVP', 'SHOP-11'],
      ['Pay by card', 'Checkout', 'MVP', 'SHOP-21'],
      ['Filter by size, colour and price', 'Browse the catalogue', 'MVP', 'SHOP-12'],
      ['Order shipped e-mail', 'Notifications', 'Release 2', 'SHOP-31'],
      ['Wishlist – save for later', 'Browse the catalogue', 'Release 2', 'SHOP-13'],
      ['Invoice as PDF (日本語 too)', 'Checkout', 'Release 2', 'SHOP-22'],
      ['Fix typo on the 404 page', null, 'No version', 'SHOP-40'],
      ['Gift wrapping', 'Checkout', 'No version', 'SHOP-23'],
    ])
  })

  it('splits an "As a … I want … so that …" description, criteria and all', () => {
    expect(item('Search by name')).toMatchObject({
      story: 'As a shopper, I want to search by name, so that I find a product fast',
      acceptance: ['Finds partial names', 'Ignores accents ("cafe" finds "café")'],
      estimate: 3,
      moscow: 'must',
      labels: ['search', 'ux'],
    })
    expect(item('Wishlist – save for later')?.story).toBe(
      'As a returning shopper, I want to keep products in a wishlist, so that I can buy them later',
    )
  })

  it('keeps any other description whole as the card’s text', () => {
    expect(item('Filter by size, colour and price')?.story).toBe(
      'I want Filters stack; the count of results updates as you pick.\nPrice is a range, in €.',
    )
  })

  it('maps priorities to MoSCoW and reads every Labels column', () => {
    expect(backlog.items.map((story) => [story.title.split(' ')[0], story.moscow])).toEqual([
      ['Search', 'must'],
      ['Pay', 'must'],
      ['Filter', 'should'],
      ['Order', 'should'],
      ['Wishlist', 'could'],
      ['Invoice', 'wont'],
      ['Fix', 'could'],
      ['Gift', 'wont'],
    ])
    expect(item('Pay by card')?.labels).toEqual(['payments', 'pci', 'checkout'])
  })

  it('reads column names in any case and Jira’s other names for them, ignoring unknown columns', () => {
    const csv = toCsv([
      ['ISSUE KEY', 'summary', 'Sprint', 'Story point estimate', 'PRIORITY', 'Parent Summary', 'fix version'],
      ['APP-9', 'Log in', 'Sprint 3', '2', 'high', 'Accounts', '1.0'],
    ])
    expect(backlogOf(recordsOf(readJiraCsv(csv))).items[0]).toMatchObject({
      title: 'Log in',
      jiraKey: 'APP-9',
      estimate: 2,
      moscow: 'should',
      epic: 'Accounts',
      release: '1.0',
    })
  })

  it('reads 1,000 issues', () => {
    const header = ['Issue key', 'Issue id', 'Issue Type', 'Summary', 'Fix Version/s', 'Parent']
    const epics = Array.from({ length: 10 }, (_, i) => [`BIG-${i}`, `${i}`, 'Epic', `Epic ${i}`, '', ''])
    const stories = Array.from({ length: 990 }, (_, i) => [
      `BIG-${100 + i}`,
      `${100 + i}`,
      'Story',
      `Story ${i}`,
      `v${i % 4}`,
      `${i % 10}`,
    ])
    const backlog = backlogOf(recordsOf(readJiraCsv(toCsv([header, ...epics, ...stories]))))
    expect(backlog.items).toHaveLength(990)
    expect(backlog.epics).toHaveLength(10)
    expect(backlog.warnings).toEqual([])
    for (const story of backlog.items) {
      const n = Number(story.title.split(' ')[1])
      expect([story.epic, story.release, story.jiraKey]).toEqual([
        `Epic ${n % 10}`,
        `v${n % 4}`,
        `BIG-${100 + n}`,
      ])
    }
  })
})

describe('a Jira CSV the import cannot read', () => {
  const header = 'Issue key,Summary,Description,Story Points\r\n'
  const lines = ['A-1,Fine,"two\nlines",1', 'A-2,"Also, fine","three\nmore\nlines",2']

  it.each([
    ['a quote never closed', `A-3,"Broken,,1`, 'a quoted cell starts here and is never closed'],
    ['a row with too few cells', 'A-3,Short', 'the row has a different number of cells than the header'],
    ['an empty Summary', 'A-3, ,,1', 'the Summary is empty'],
    ['story points that are no number', 'A-3,Odd,,lots', 'the story points "lots" are not a number'],
  ])('names the line of %s, and makes nothing', (_, broken, reason) => {
    // The two rows before span five lines: the broken one starts on line 7.
    expect(readJiraCsv(`${header}${lines.join('\r\n')}\r\n${broken}\r\nA-4,After,,3\r\n`)).toEqual({
      error: { line: 7, reason },
    })
  })

  it('refuses a text longer than a card field takes, and more issues than a board takes', () => {
    const long = 'x'.repeat(BOARD_LIMITS.fieldChars + 1)
    expect(readJiraCsv(`${header}A-1,Fine,,1\r\nA-2,Long,${long},2\r\n`)).toEqual({
      error: { line: 3, reason: `the Description is longer than ${BOARD_LIMITS.fieldChars} characters` },
    })
    const many = Array.from({ length: MAX_JIRA_ROWS + 1 }, (_, i) => `A-${i},Story ${i},,`).join('\r\n')
    expect(readJiraCsv(header + many)).toEqual({
      error: { line: 1, reason: `the file has more than ${MAX_JIRA_ROWS} issues` },
    })
  })

  it('refuses a file without a Summary column, or with nothing in it', () => {
    expect(readJiraCsv('Issue key,Title\r\nA-1,x\r\n')).toEqual({
      error: { line: 1, reason: 'the file has no Summary column' },
    })
    expect(readJiraCsv('')).toEqual({ error: { line: 1, reason: 'the file is empty' } })
  })
})

describe('any Jira export', () => {
  // Text with what trips CSV readers: quotes, commas, line breaks, non-ASCII, leading formula signs.
  const text = fc
    .array(fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r\n', 'é', '日', '😀', '=', '-'), {
      maxLength: 12,
    })
    .map((parts) => `S${parts.join('')}`)
  const issue = fc.record({
    summary: text,
    epic: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    version: fc.option(fc.constantFrom('1.0', '2.0', 'Later, maybe'), { nil: null }),
    labels: fc.uniqueArray(fc.constantFrom('ux', 'api', 'café'), { maxLength: 3 }),
    points: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
  })

  it('puts each story in its epic’s column and its version’s lane, in file order down each cell', () => {
    fc.assert(
      fc.property(fc.array(issue, { maxLength: 25 }), fc.boolean(), (issues, epicRows) => {
        const header = [
          'Summary',
          'Issue key',
          'Issue id',
          'Issue Type',
          'Color',
          'Labels',
          'Labels',
          'Labels',
        ]
        const rows = [
          [...header, 'Custom field (Story Points)', 'Fix Version/s', 'Parent', 'Parent summary'],
          // With epicRows false the epics are only named by their stories' Parent summary.
          ...(epicRows
            ? [0, 1, 2, 3].map((e) => [`Epic ${e}`, `E-${e}`, `${e}`, 'Epic', '', '', '', '', '', '', '', ''])
            : []),
          ...issues.map((story, i) => [
            story.summary,
            `S-${i}`,
            `${100 + i}`,
            'Story',
            'blue',
            ...[0, 1, 2].map((l) => story.labels[l] ?? ''),
            story.points === null ? '' : String(story.points),
            story.version ?? '',
            story.epic === null ? '' : `${story.epic}`,
            story.epic === null ? '' : `Epic ${story.epic}`,
          ]),
        ]
        const records = recordsOf(readJiraCsv(toCsv(rows)))
        const backlog = backlogOf(records)
        expect(backlog.items).toHaveLength(issues.length)
        const y = new Map(records.map((record) => [record.id, record.y as number]))
        const byKey = new Map(backlog.items.map((story) => [story.jiraKey, story]))
        issues.forEach((story, i) => {
          expect(byKey.get(`S-${i}`)).toMatchObject({
            title: story.summary.trim(),
            epic: story.epic === null ? null : `Epic ${story.epic}`,
            release: story.version ?? 'No version',
            labels: story.labels,
            estimate: story.points,
          })
          const later = issues.findIndex(
            (other, j) => j > i && other.epic === story.epic && other.version === story.version,
          )
          if (later !== -1) {
            const [mine, theirs] = [byKey.get(`S-${i}`)?.id, byKey.get(`S-${later}`)?.id]
            expect(y.get(mine ?? '')).toBeLessThan(y.get(theirs ?? '') ?? Number.NaN)
          }
        })
      }),
      { numRuns: 60 },
    )
  })
})
