import { describe, expect, it } from 'vitest'
import { toBacklog } from '../storyMap/backlog'
import { backlogOptions } from '../storyMap/testBoard'
import { importJiraCsv, type JiraRow, storyFromDescription } from './jiraImport'

/** Rows as the parser hands them over, numbered from line 2 (the header is line 1). */
const rows = (...cells: string[][]): JiraRow[] => cells.map((row, i) => ({ line: i + 2, cells: row }))

function backlogOf(header: string[], ...cells: string[][]) {
  const imported = importJiraCsv(header, rows(...cells))
  if ('error' in imported) throw new Error(imported.error.reason)
  return toBacklog({ ...backlogOptions, records: imported.records, votes: {} })
}

describe('storyFromDescription', () => {
  it('splits a user story, with or without commas, and takes the lines after it as criteria', () => {
    expect(
      storyFromDescription('As an admin, I want to ban spammers, so that the board stays clean.'),
    ).toEqual({
      asA: 'admin',
      iWant: 'to ban spammers',
      soThat: 'the board stays clean',
      acceptance: [],
    })
    expect(
      storyFromDescription(
        'as a buyer\r\nI need a receipt so that I can claim it\r\n\r\n* Has VAT\r\n- Is a PDF\r\nNamed by date',
      ),
    ).toEqual({
      asA: 'buyer',
      iWant: 'a receipt',
      soThat: 'I can claim it',
      acceptance: ['Has VAT', 'Is a PDF', 'Named by date'],
    })
  })

  it('keeps any other description whole, so nothing of it is lost', () => {
    const text = 'Steps:\n1. open\n2. crash\n\nAs a user I want it fixed'
    expect(storyFromDescription(text)).toEqual({ asA: '', iWant: text, soThat: '', acceptance: [] })
  })
})

describe('importJiraCsv', () => {
  const header = [
    'Issue key',
    'Issue id',
    'Issue Type',
    'Summary',
    'Parent',
    'Custom field (Epic Link)',
    'Parent summary',
  ]

  it('finds an epic by its id, its key through the Epic Link, or its summary, and makes it once', () => {
    const backlog = backlogOf(
      header,
      ['E-1', '1', 'Epic', 'Accounts', '', '', ''],
      ['S-1', '11', 'Story', 'By id', '1', '', ''],
      ['S-2', '12', 'Story', 'By link', '', 'E-1', ''],
      ['S-3', '13', 'Story', 'By summary', '', '', 'Accounts'],
      ['S-4', '14', 'Story', 'Unknown epic', '', 'E-9', ''],
      ['S-5', '15', 'Story', 'Same unknown epic', '', 'E-9', ''],
    )
    expect(backlog.epics.map((epic) => [epic.title, epic.jiraKey])).toEqual([
      ['Accounts', 'E-1'],
      ['E-9', 'E-9'],
    ])
    // Rank order: row by row, each row step by step.
    expect(backlog.items.map((item) => [item.title, item.epic])).toEqual([
      ['By id', 'Accounts'],
      ['Unknown epic', 'E-9'],
      ['By link', 'Accounts'],
      ['Same unknown epic', 'E-9'],
      ['By summary', 'Accounts'],
    ])
  })

  it('does not make a sub-task’s story an epic', () => {
    const backlog = backlogOf(
      header,
      ['S-1', '11', 'Story', 'Sign up', '', '', ''],
      ['T-1', '21', 'Sub-task', 'Write the form', '11', '', 'Sign up'],
    )
    expect(backlog.epics).toEqual([])
    expect(backlog.items.map((item) => item.epic)).toEqual([null, null])
  })

  it('reports the line of the first row it cannot read, and no records', () => {
    expect(
      importJiraCsv(
        ['Summary', 'Story Points'],
        rows(['Fine', '1'], ['Fine too', '2'], ['', '3'], ['', 'x']),
      ),
    ).toEqual({ error: { line: 4, reason: 'the Summary is empty' } })
  })
})
