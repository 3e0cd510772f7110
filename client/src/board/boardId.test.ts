import { describe, expect, it } from 'vitest'
import { boardPath, isBoardId } from './boardId'

describe('board ids', () => {
  it('accepts the URL-safe ids the server makes', () => {
    expect(isBoardId('Ab_9-xYz12Qw')).toBe(true)
  })

  it('refuses ids that are not URL-safe or too long', () => {
    expect(isBoardId('')).toBe(false)
    expect(isBoardId('a/b')).toBe(false)
    expect(isBoardId('a b')).toBe(false)
    expect(isBoardId('x'.repeat(65))).toBe(false)
  })

  it('has one path per board', () => {
    expect(boardPath('abc')).toBe('/b/abc')
  })
})
