import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backlogFileName, boardFileName, fileSlug } from './fileNames'

describe('file names', () => {
  it('names the three backlog downloads alike, a version’s after the board and the version', () => {
    expect(
      ['json', 'md', 'csv'].map((format) => backlogFileName('Checkout journey', format as 'csv')),
    ).toEqual([
      'checkout-journey-backlog.json',
      'checkout-journey-backlog.md',
      'checkout-journey-backlog.csv',
    ])
    expect(backlogFileName('Checkout journey', 'csv', 'Sprint 12: final')).toBe(
      'checkout-journey-sprint-12-final-backlog.csv',
    )
  })

  it('names the board file after the board', () => {
    expect(boardFileName('Q1/Q2: "MVP"?')).toBe('q1q2-mvp.refinery.json')
    expect(boardFileName('Café Zoë')).toBe('cafe-zoe.refinery.json')
    expect(boardFileName(' \n 日本語 ')).toBe('board.refinery.json')
  })

  it('never gives a name a header or a file system would refuse', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (title, version) => {
        for (const name of [fileSlug(title), backlogFileName(title, 'md', version), boardFileName(title)]) {
          expect(name).toMatch(/^[\w.-]*$/)
          expect(name).not.toMatch(/^-|--/)
        }
      }),
    )
  })
})
