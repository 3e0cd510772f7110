import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { countAsWritten } from './numbers'

describe('countAsWritten', () => {
  it('groups the digits of a count in threes', () => {
    expect(countAsWritten(0)).toBe('0')
    expect(countAsWritten(999)).toBe('999')
    expect(countAsWritten(1000)).toBe('1,000')
    expect(countAsWritten(10_000)).toBe('10,000')
    expect(countAsWritten(1_234_567)).toBe('1,234,567')
    expect(countAsWritten(-2500)).toBe('-2,500')
  })

  it('writes every whole number as toLocaleString("en-US") does', () => {
    fc.assert(
      fc.property(
        fc.maxSafeInteger().filter((n) => n !== 0),
        (n) => {
          expect(countAsWritten(n)).toBe(n.toLocaleString('en-US'))
        },
      ),
      { numRuns: 2000 },
    )
  })
})
