import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addComment, markAnswered, readComments } from '../comments'
import { getRecords } from '../records'
import { backlogFromDoc, toBacklog } from './backlog'
import { jiraDate, toJiraCsv } from './jiraCsv'
import { toBacklogMarkdown } from './markdown'
import { backlogOptions, cardAt, page, slice, step, writeRecords } from './testBoard'

const ana = { id: 'u-ana', name: 'Ana' }
const ben = { id: 'u-ben', name: 'Ben' }
const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 16, minute))

/** A two-card map whose first card has Ben's question, Ana's answer to it, and a comment. */
function boardWithThread() {
  const doc = new Y.Doc()
  doc.transact(() => {
    writeRecords(doc, [
      page,
      step('s', 0, 'Checkout'),
      slice('r', 0, 'MVP'),
      cardAt('guest', 120, 100, { title: 'Guest checkout', moscow: 'must' }),
      cardAt('saved', 120, 300, { title: 'Saved cards' }),
    ])
    addComment(doc, {
      id: 'q',
      cardId: 'shape:guest',
      replyTo: null,
      author: ben,
      text: 'What if; the email is missing?',
      question: true,
      createdAt: at(1),
    })
    addComment(doc, {
      id: 'a',
      cardId: 'shape:guest',
      replyTo: 'q',
      author: ana,
      text: 'We ask on the receipt.',
      question: false,
      createdAt: at(2),
    })
    addComment(doc, {
      id: 'c',
      cardId: 'shape:guest',
      replyTo: null,
      author: ana,
      text: '=cmd|evil',
      question: false,
      createdAt: at(3),
    })
    addComment(doc, {
      id: 'q2',
      cardId: 'shape:saved',
      replyTo: null,
      author: ana,
      text: 'PCI scope?',
      question: true,
      createdAt: at(4),
    })
    addComment(doc, {
      id: 'gone',
      cardId: 'shape:deleted',
      replyTo: null,
      author: ana,
      text: 'orphan',
      question: true,
      createdAt: at(5),
    })
  })
  markAnswered(doc, 'q', ana, at(6))
  return doc
}

describe('questions and comments in the backlog and its exports', () => {
  it('lists each item’s threads and counts its open questions; a card no longer on the board has none', () => {
    const backlog = backlogFromDoc(boardWithThread(), backlogOptions)
    const [guest, saved] = backlog.items
    expect(guest?.comments.map((comment) => [comment.id, comment.author, comment.question])).toEqual([
      ['q', 'Ben', true],
      ['a', 'Ana', false],
      ['c', 'Ana', false],
    ])
    expect(guest?.comments[0]?.answered).toEqual({ by: 'Ana', at: at(6).toISOString() })
    expect(guest?.openQuestions).toBe(0)
    expect(saved?.openQuestions).toBe(1)
    expect(backlog.items.flatMap((item) => item.comments).some((comment) => comment.id === 'gone')).toBe(
      false,
    )
  })

  it('gives the same backlog from the document and from its records and comments', () => {
    const doc = boardWithThread()
    const fromDoc = backlogFromDoc(doc, backlogOptions)
    const records = [...getRecords(doc).values()].map((map) => map.toJSON() as never)
    expect(toBacklog({ ...backlogOptions, records, votes: {}, comments: readComments(doc) })).toEqual(fromDoc)
  })

  it('puts the thread under its story in Markdown, replies nested deeper', () => {
    const markdown = toBacklogMarkdown(backlogFromDoc(boardWithThread(), backlogOptions), { title: 'Shop' })
    expect(markdown).toContain(
      [
        '- **Guest checkout** (Must)',
        '  - Question (answered) from **Ben**: What if; the email is missing?',
        '    - **Ana**: We ask on the receipt.',
        '  - Comment from **Ana**: =cmd\\|evil',
      ].join('\n'),
    )
    expect(markdown).toContain('  - Question (open) from **Ana**: PCI scope?')
  })

  it('carries each comment in a Comment column as date;author;text, formula-safe, and none on epic rows', () => {
    const csv = toJiraCsv(backlogFromDoc(boardWithThread(), backlogOptions))
    const [header, ...rows] = parse(csv.replace(/^\uFEFF/, ''), { relax_column_count: false }) as string[][]
    const columns = (header ?? []).flatMap((name, index) => (name === 'Comment' ? [index] : []))
    expect(columns).toHaveLength(3)
    const row = (summary: string) =>
      rows.find((entry) => entry[header?.indexOf('Summary') ?? -1] === summary) ?? []
    expect(columns.map((index) => row('Guest checkout')[index])).toEqual([
      `${jiraDate(at(1).toISOString())};Ben;Question (answered by Ana): What if; the email is missing?`,
      `${jiraDate(at(2).toISOString())};Ana;Re Ben: We ask on the receipt.`,
      `${jiraDate(at(3).toISOString())};Ana;=cmd|evil`,
    ])
    expect(columns.map((index) => row('Checkout')[index])).toEqual(['', '', ''])
  })

  it('writes dates in the Jira importer’s default format, in UTC', () => {
    expect(jiraDate('2026-12-03T16:05:00.000Z')).toBe('03/Dec/26 4:05 PM')
    expect(jiraDate('2026-01-09T00:30:00.000Z')).toBe('09/Jan/26 12:30 AM')
    expect(jiraDate('not a date')).toBe('')
  })
})
