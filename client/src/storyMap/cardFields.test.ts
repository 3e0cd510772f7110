import { describe, expect, it } from 'vitest'
import { addLabels, estimateFrom, moscowFrom, replaced, without } from './cardFields'

describe('card fields', () => {
  it('reads an estimate, blank as none, and refuses what the contract refuses', () => {
    expect(estimateFrom('3')).toBe(3)
    expect(estimateFrom(' 0.5 ')).toBe(0.5)
    expect(estimateFrom('0')).toBe(0)
    expect(estimateFrom('  ')).toBeNull()
    expect(estimateFrom('-1')).toBeUndefined()
    expect(estimateFrom('lots')).toBeUndefined()
    expect(estimateFrom('Infinity')).toBeUndefined()
  })

  it('reads a MoSCoW priority, anything else as none', () => {
    expect(moscowFrom('must')).toBe('must')
    expect(moscowFrom('wont')).toBe('wont')
    expect(moscowFrom('')).toBeNull()
    expect(moscowFrom('toString')).toBeNull()
  })

  it('adds comma-separated labels once each, without blanks', () => {
    expect(addLabels(['ux'], ' checkout, ux ,, mobile ')).toEqual(['ux', 'checkout', 'mobile'])
    expect(addLabels([], '  ')).toEqual([])
  })

  it('removes and replaces list items by index', () => {
    expect(without(['a', 'b', 'c'], 1)).toEqual(['a', 'c'])
    expect(replaced(['a', 'b', 'c'], 2, 'z')).toEqual(['a', 'b', 'z'])
  })
})
