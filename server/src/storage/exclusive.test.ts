import { afterEach, describe, expect, it } from 'vitest'
import { dropSchema, freshSchema, storageEngines, TEST_DATABASE_URL } from '../../test/helpers'
import { PostgresStore } from './postgres'
import type { Sql } from './sql'

const undo: (() => unknown)[] = []
afterEach(async () => {
  for (const step of undo.splice(0).reverse()) await step()
})

/** A promise and the function that settles it. */
function gate() {
  let open = () => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

/** Starts a step under `key` that records when it runs and waits for its gate. */
function hold(sql: Sql, key: string, log: string[], name: string) {
  const { opened, open } = gate()
  const done = sql.exclusive(key, async () => {
    log.push(`${name} in`)
    await opened
    log.push(`${name} out`)
    return name
  })
  return { done, open }
}

const tick = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms))

describe.each(storageEngines((step) => undo.push(step)))('Sql.exclusive on %s', (_engine, open) => {
  it('runs steps under one key one at a time, in order, and other keys beside them', async () => {
    const { sql } = await open()
    const log: string[] = []
    const first = hold(sql, 'voting:a', log, 'first')
    const second = hold(sql, 'voting:a', log, 'second')
    const other = hold(sql, 'voting:b', log, 'other')
    await tick()
    expect(log).toContain('first in')
    expect(log).toContain('other in')
    expect(log).not.toContain('second in')
    first.open()
    await first.done
    await tick()
    expect(log).toContain('second in')
    second.open()
    other.open()
    expect(await Promise.all([second.done, other.done])).toEqual(['second', 'other'])
    expect(log.indexOf('first out')).toBeLessThan(log.indexOf('second in'))
  })

  it('lets the next step run after one that failed', async () => {
    const { sql } = await open()
    await expect(sql.exclusive('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await sql.exclusive('k', async () => 'after')).toBe('after')
  })
})

describe('Sql.exclusive across instances sharing PostgreSQL', () => {
  it('keeps a second instance waiting until the first is done, and frees the key after a failure', async () => {
    const schema = freshSchema()
    undo.push(() => dropSchema(schema))
    // Two pools on one schema stand for two instances.
    const first = await PostgresStore.open({ connectionString: TEST_DATABASE_URL, schema })
    undo.push(() => first.close())
    const second = await PostgresStore.open({ connectionString: TEST_DATABASE_URL, schema })
    undo.push(() => second.close())

    const log: string[] = []
    const a = hold(first.sql, 'poker:board', log, 'a')
    await tick()
    const b = hold(second.sql, 'poker:board', log, 'b')
    await tick(200)
    expect(log).toEqual(['a in'])
    a.open()
    await a.done
    b.open()
    await b.done
    expect(log).toEqual(['a in', 'a out', 'b in', 'b out'])

    await expect(
      first.sql.exclusive('poker:board', () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow()
    expect(await second.sql.exclusive('poker:board', async () => 'free')).toBe('free')
  })
})
