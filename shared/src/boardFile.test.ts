import { describe, expect, it } from 'vitest'
import { boardFile } from './boardFile'

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
