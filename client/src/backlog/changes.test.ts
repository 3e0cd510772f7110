import { describe, expect, it } from 'vitest'
import { describeChange, shownValue } from './changes'

describe('changes in words', () => {
  it('says each change with before and after as the page shows values', () => {
    expect(describeChange({ field: 'estimate', before: 3, after: 8 })).toBe('Estimate 3 → 8')
    expect(describeChange({ field: 'estimate', before: null, after: 5 })).toBe('Estimate — → 5')
    expect(describeChange({ field: 'release', before: 'Release 2', after: 'MVP' })).toBe(
      'Release Release 2 → MVP',
    )
    expect(describeChange({ field: 'moscow', before: 'could', after: 'wont' })).toBe('MoSCoW Could → Won’t')
    expect(describeChange({ field: 'labels', before: ['ux'], after: ['ux', 'api'] })).toBe(
      'Labels ux → ux, api',
    )
  })

  it('says which way a card moved in the ranking', () => {
    expect(describeChange({ field: 'rank', before: 4, after: 2 })).toBe('Rank #4 → #2 (up 2)')
    expect(describeChange({ field: 'rank', before: 1, after: 3 })).toBe('Rank #1 → #3 (down 2)')
  })

  it('shows an empty value as a dash', () => {
    expect(shownValue('acceptance', [])).toBe('—')
    expect(shownValue('epic', null)).toBe('—')
    expect(shownValue('story', '')).toBe('—')
  })
})
