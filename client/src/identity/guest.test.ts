import { describe, expect, it } from 'vitest'
import { GUEST_COLORS, loadGuest, saveGuest } from './guest'

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map<string, string>()
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  }
}

describe('loadGuest', () => {
  it('makes up a guest with a random id, a Guest name and one of the cursor colours', () => {
    const guest = loadGuest(memoryStorage(), () => 0.5)
    expect(guest.name).toBe('Guest 5500')
    expect(GUEST_COLORS).toContain(guest.color)
    expect(guest.id).toMatch(/^[\w-]{10,}$/)
  })

  it('gives every browser its own guest', () => {
    expect(loadGuest(memoryStorage()).id).not.toBe(loadGuest(memoryStorage()).id)
  })

  it('remembers the guest', () => {
    const storage = memoryStorage()
    expect(loadGuest(storage)).toEqual(loadGuest(storage))
  })

  it('remembers a new name', () => {
    const storage = memoryStorage()
    const guest = loadGuest(storage)
    saveGuest(storage, { ...guest, name: 'Dana' })
    expect(loadGuest(storage)).toEqual({ ...guest, name: 'Dana' })
  })

  it('replaces a saved guest it cannot read', () => {
    const storage = memoryStorage()
    storage.setItem('refinery-guest', '{"id": 7')
    expect(loadGuest(storage, () => 0).name).toBe('Guest 1000')
  })

  it('still gives a guest when storage refuses to save', () => {
    const storage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError')
      },
    }
    expect(loadGuest(storage).name).toMatch(/^Guest \d{4}$/)
  })
})
