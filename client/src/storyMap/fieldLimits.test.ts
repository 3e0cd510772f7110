import { BOARD_LIMITS } from '@refinery/shared'
import { describe, expect, it } from 'vitest'
import { capList, capText, LIST_FULL, TEXT_TOO_LONG } from './fieldLimits'

describe('capText', () => {
  it('keeps an edit within the limit as it is', () => {
    expect(capText('abc', 'abcd', 5)).toEqual({ text: 'abcd', cut: false, caret: 4 })
    expect(capText('', 'x'.repeat(BOARD_LIMITS.fieldChars)).cut).toBe(false)
  })

  it('holds a paste into an empty field to the board limit', () => {
    const pasted = capText('', 'x'.repeat(BOARD_LIMITS.fieldChars + 2345))
    expect(pasted.text).toHaveLength(BOARD_LIMITS.fieldChars)
    expect(pasted).toMatchObject({ cut: true, caret: BOARD_LIMITS.fieldChars })
  })

  it('cuts what was typed, not the text around it', () => {
    expect(capText('abcdef', 'abcXYZdef', 8)).toEqual({ text: 'abcXYdef', cut: true, caret: 5 })
    expect(capText('abcdefgh', 'abcdXefgh', 8)).toEqual({ text: 'abcdefgh', cut: true, caret: 4 })
  })

  it('cuts what replaced a selection, not the text around it', () => {
    expect(capText('ab--cd', 'ab123456cd', 8)).toEqual({ text: 'ab1234cd', cut: true, caret: 6 })
  })

  it('finds the edit when the typed text repeats its surroundings', () => {
    expect(capText('aaaa', 'aaaaaa', 5)).toEqual({ text: 'aaaaa', cut: true, caret: 5 })
  })

  it('never splits an emoji in two', () => {
    expect(capText('ab', 'ab😀😀', 5)).toEqual({ text: 'ab😀', cut: true, caret: 4 })
    // The two emoji share their first half: the edit starts at the emoji, not inside it.
    expect(capText('a😀b', 'a😁😀b', 4)).toEqual({ text: 'a😀b', cut: true, caret: 1 })
  })

  it('brings a text over the limit already (an older client) down to it at the next edit', () => {
    const long = 'y'.repeat(12)
    expect(capText(long, long.slice(0, 11), 10)).toEqual({ text: 'y'.repeat(10), cut: true, caret: 10 })
    expect(capText(long, `z${long}`, 10)).toEqual({ text: 'y'.repeat(10), cut: true, caret: 0 })
  })
})

describe('capList', () => {
  it('keeps the first entries up to the board limit', () => {
    expect(capList(['a', 'b'], 2)).toEqual({ entries: ['a', 'b'], cut: false })
    expect(capList(['a', 'b', 'c'], 2)).toEqual({ entries: ['a', 'b'], cut: true })
    const many = Array.from({ length: BOARD_LIMITS.listEntries + 1 }, (_, i) => `label ${i}`)
    expect(capList(many).entries).toHaveLength(BOARD_LIMITS.listEntries)
  })
})

describe('limit messages', () => {
  it('name the limits as people write numbers', () => {
    expect(TEXT_TOO_LONG).toBe('This text is too long (at most 10,000 characters).')
    expect(LIST_FULL).toBe('This list is full (at most 200 entries).')
  })
})
