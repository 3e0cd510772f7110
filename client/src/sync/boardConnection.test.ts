import { describe, expect, it } from 'vitest'
import { syncUrl } from './boardConnection'

describe('syncUrl', () => {
  it('speaks ws: to a page served over http: and wss: to one served over https:', () => {
    expect(syncUrl({ protocol: 'http:', host: 'localhost:8787' })).toBe('ws://localhost:8787/sync')
    expect(syncUrl({ protocol: 'https:', host: 'refinery.example.com' })).toBe(
      'wss://refinery.example.com/sync',
    )
  })
})
