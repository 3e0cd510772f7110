import { describe, expect, it } from 'vitest'
import { readConfig } from './config'

describe('readConfig', () => {
  it('limits guest sign-ins to a workshop-sized 100 per address and 200 per link each 10 minutes', () => {
    expect(readConfig({}).guestRateLimit).toEqual({
      byAddress: { limit: 100, windowMs: 10 * 60_000 },
      byInvite: { limit: 200, windowMs: 10 * 60_000 },
    })
  })

  it('reads the guest limits from GUEST_RATE_LIMIT_PER_ADDRESS and GUEST_RATE_LIMIT_PER_INVITE', () => {
    const config = readConfig({ GUEST_RATE_LIMIT_PER_ADDRESS: '40', GUEST_RATE_LIMIT_PER_INVITE: '80' })
    expect(config.guestRateLimit.byAddress.limit).toBe(40)
    expect(config.guestRateLimit.byInvite.limit).toBe(80)
    expect(() => readConfig({ GUEST_RATE_LIMIT_PER_INVITE: 'lots' })).toThrow(/GUEST_RATE_LIMIT_PER_INVITE/)
  })

  it('takes images up to 10 MiB unless MAX_ASSET_BYTES says otherwise', () => {
    expect(readConfig({}).maxAssetBytes).toBe(10_485_760)
    expect(readConfig({ MAX_ASSET_BYTES: '2048' }).maxAssetBytes).toBe(2048)
    expect(() => readConfig({ MAX_ASSET_BYTES: '10MB' })).toThrow(/MAX_ASSET_BYTES must be a whole number/)
  })
})
