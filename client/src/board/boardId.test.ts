import { describe, expect, it } from 'vitest'
import { boardIdFrom, boardPath, isBoardId, newBoardId } from './boardId'

describe('board ids', () => {
  it('makes new ids that the server accepts, and different every time', () => {
    const id = newBoardId()
    expect(isBoardId(id)).toBe(true)
    expect(newBoardId()).not.toBe(id)
  })

  it('refuses ids that are not URL-safe or too long', () => {
    expect(isBoardId('')).toBe(false)
    expect(isBoardId('a/b')).toBe(false)
    expect(isBoardId('a b')).toBe(false)
    expect(isBoardId('x'.repeat(65))).toBe(false)
  })

  it('finds the board id in a bare id or a pasted link', () => {
    expect(boardIdFrom('  sprint-12 ')).toBe('sprint-12')
    expect(boardIdFrom('http://localhost:8787/b/Q3_roadmap')).toBe('Q3_roadmap')
    expect(boardIdFrom('https://refinery.example.com/b/abc/?x=1#top')).toBe('abc')
    expect(boardIdFrom('https://refinery.example.com/')).toBeNull()
    expect(boardIdFrom('not an id')).toBeNull()
  })

  it('has one path per board', () => {
    expect(boardPath('abc')).toBe('/b/abc')
  })
})
