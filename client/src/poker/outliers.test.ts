import { spread } from '@refinery/shared'
import { describe, expect, it } from 'vitest'
import { hearThemFirst, listNames } from './outliers'

describe('hearThemFirst', () => {
  it('names the low end, then the high end, by the names the round shows', () => {
    const names = { a: 'Ana', b: 'Ben', c: 'Cy', d: 'Dee' }
    const { outliers } = spread({ a: '1', b: '13', c: '5', d: '5' }, 'fibonacci')
    expect(hearThemFirst(outliers, names)).toBe('Ana chose 1 and Ben chose 13: hear them first')
    const two = spread({ a: 'XS', b: 'XS', c: 'M', d: 'M' }, 'tshirt').outliers
    expect(hearThemFirst(two, names)).toBe('Ana and Ben chose XS: hear them first')
  })

  it('says nothing when everyone picked near the middle', () => {
    expect(hearThemFirst(spread({ a: '3', b: '3', c: '?' }, 'fibonacci').outliers, {})).toBeNull()
  })

  it('lists names as a sentence does', () => {
    expect(listNames([])).toBe('')
    expect(listNames(['Ana'])).toBe('Ana')
    expect(listNames(['Ana', 'Ben', 'Cy'])).toBe('Ana, Ben and Cy')
  })
})
