import { describe, expect, it } from 'vitest'
import { cleanupAfterEach, storageEngines } from '../../test/helpers'
import { SessionStore } from './sessions'
import { UserStore } from './users'

const cleanup = cleanupAfterEach()

describe.each(storageEngines(cleanup))('sessions on %s', (_engine, open) => {
  /** A store whose clock the test moves, with sessions of a second, and one person in it. */
  async function setup() {
    const store = await open()
    const clock = { now: 1_000_000 }
    const sessions = new SessionStore(store.sql, { now: () => clock.now, lifetimeMs: 1000 })
    const user = await new UserStore(store.sql).createAccount(`pat.${Date.now()}@example.com`, 'Pat', 'x')
    return { clock, sessions, user }
  }

  it('expiryOf follows renewals by use, and answers null once the session has expired or ended', async () => {
    const { clock, sessions, user } = await setup()
    const { token, session } = await sessions.create(user.id)
    expect(await sessions.expiryOf(session.id)).toBe(1_001_000)

    // Less than half its lifetime left: a use renews it, and expiryOf sees the renewal.
    clock.now += 600
    expect((await sessions.validate(token))?.renewed).toBe(true)
    expect(await sessions.expiryOf(session.id)).toBe(1_001_600)
    // Looking it up is not a use: it renews nothing.
    clock.now += 600
    expect(await sessions.expiryOf(session.id)).toBe(1_001_600)
    clock.now += 400
    expect(await sessions.expiryOf(session.id)).toBeNull()

    const other = await sessions.create(user.id)
    await sessions.invalidate(other.session.id)
    expect(await sessions.expiryOf(other.session.id)).toBeNull()
  })

  it('invalidateAllOf ends every session of the person and names them', async () => {
    const { sessions, user } = await setup()
    const first = await sessions.create(user.id)
    const second = await sessions.create(user.id)
    const ended = await sessions.invalidateAllOf(user.id)
    expect(ended.sort()).toEqual([first.session.id, second.session.id].sort())
    expect(await sessions.validate(first.token)).toBeNull()
    expect(await sessions.invalidateAllOf(user.id)).toEqual([])
  })
})
