import { describe, expect, it } from 'vitest'
import { cleanupAfterEach, storageEngines } from '../../test/helpers'
import { UserStore } from '../auth/users'
import { BoardStore } from './boardStore'

const cleanup = cleanupAfterEach()

describe.each(storageEngines(cleanup))('join order on %s', (_engine, open) => {
  /** A board store whose clock the test moves, and `count` guests. */
  async function setup(count: number) {
    const store = await open()
    const clock = { now: 1_000_000 }
    const boards = new BoardStore(store.sql, () => clock.now)
    const users = new UserStore(store.sql)
    const people = []
    for (let i = 0; i < count; i++) people.push((await users.createGuest(`Guest ${i}`)).id)
    return { boards, clock, people }
  }

  it('numbers the members of a board in the order they joined it, from its creator', async () => {
    const { boards, clock, people } = await setup(12)
    const [creator, ...others] = people as [string, ...string[]]
    const board = await boards.create(creator, 'Workshop')
    for (const person of others) {
      clock.now += 1000
      await boards.join(board.id, person, 'editor')
    }
    const orders = await Promise.all(people.map((person) => boards.joinOrder(board.id, person)))
    expect(orders).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
  })

  it('keeps the numbers distinct for members who joined in the same millisecond, and per board', async () => {
    const { boards, people } = await setup(4)
    const [creator, a, b, c] = people as [string, string, string, string]
    const board = await boards.create(creator, 'Workshop')
    const other = await boards.create(c, 'Elsewhere')
    await boards.join(board.id, a, 'editor')
    await boards.join(board.id, b, 'voter')
    await boards.join(other.id, a, 'editor')

    const orders = await Promise.all([creator, a, b].map((person) => boards.joinOrder(board.id, person)))
    expect(new Set(orders)).toEqual(new Set([0, 1, 2]))
    const elsewhere = await Promise.all([c, a].map((person) => boards.joinOrder(other.id, person)))
    expect(new Set(elsewhere)).toEqual(new Set([0, 1]))
    expect(await boards.joinOrder(board.id, c)).toBeNull()
  })

  it('closes the gap a removed member leaves, so the people still on the board stay distinct', async () => {
    const { boards, clock, people } = await setup(3)
    const [creator, a, b] = people as [string, string, string]
    const board = await boards.create(creator, 'Workshop')
    clock.now += 1000
    await boards.join(board.id, a, 'editor')
    clock.now += 1000
    await boards.join(board.id, b, 'editor')

    await boards.setRole(board.id, a, null)
    expect(await boards.joinOrder(board.id, creator)).toBe(0)
    expect(await boards.joinOrder(board.id, b)).toBe(1)
    expect(await boards.joinOrder(board.id, a)).toBeNull()
  })
})
