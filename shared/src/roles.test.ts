import { describe, expect, it } from 'vitest'
import { type Capability, can, ROLES } from './roles'

describe('can', () => {
  const expected: Record<Capability, string[]> = {
    'board:read': ['owner', 'editor', 'voter', 'viewer'],
    'board:edit': ['owner', 'editor'],
    'board:vote': ['owner', 'editor', 'voter'],
    'board:comment': ['owner', 'editor', 'voter'],
    'board:finish': ['owner', 'editor'],
    'board:configure': ['owner'],
    'board:delete': ['owner'],
    'members:manage': ['owner'],
    'board:lock': ['owner'],
  }

  it.each(Object.entries(expected))('%s belongs to %j', (capability, roles) => {
    expect(ROLES.filter((role) => can(role, capability as Capability))).toEqual(roles)
  })

  it('gives nothing to someone with no role', () => {
    expect(can(null, 'board:read')).toBe(false)
    expect(can(undefined, 'board:read')).toBe(false)
  })
})
