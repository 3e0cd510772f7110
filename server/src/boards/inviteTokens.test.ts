import { afterAll, describe, expect, it } from 'vitest'
import { dropSchema, freshSchema, removeDir, TEST_DATABASE_URL, tempDir } from '../../test/helpers'
import { PostgresStore } from '../storage/postgres'
import type { Sql } from '../storage/sql'
import { SqliteStore } from '../storage/sqlite'
import { InviteTokens } from './inviteTokens'

const dirs: string[] = []
const schemas: string[] = []
afterAll(async () => {
  for (const dir of dirs) removeDir(dir)
  for (const schema of schemas) await dropSchema(schema)
})

interface Opened {
  sql: Sql
  close(): Promise<void>
}

const engines: [string, () => Promise<Opened>][] = [
  [
    'SQLite',
    async () => {
      const dir = tempDir()
      dirs.push(dir)
      return SqliteStore.open(dir)
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const schema = freshSchema()
      schemas.push(schema)
      return PostgresStore.open({ connectionString: TEST_DATABASE_URL, schema })
    },
  ],
]

describe.each(engines)('invite tokens on %s', (_engine, open) => {
  it('are the same for one invite across instances and restarts, and differ between invites', async () => {
    const store = await open()
    try {
      // Two instances starting together: one secret, whichever inserted first.
      const [first, second] = [new InviteTokens(store.sql), new InviteTokens(store.sql)]
      const [a, b] = await Promise.all([first.tokenFor('i_one'), second.tokenFor('i_one')])
      expect(a).toBe(b)
      expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(await new InviteTokens(store.sql).tokenFor('i_one')).toBe(a)
      expect(await first.tokenFor('i_two')).not.toBe(a)
      const secrets = await store.sql.all<{ value: string }>('SELECT value FROM server_secrets')
      expect(secrets).toHaveLength(1)
    } finally {
      await store.close()
    }
  })

  it('differ between databases: each server makes its own secret', async () => {
    const [one, other] = [await open(), await open()]
    try {
      expect(await new InviteTokens(one.sql).tokenFor('i_same')).not.toBe(
        await new InviteTokens(other.sql).tokenFor('i_same'),
      )
    } finally {
      await one.close()
      await other.close()
    }
  })
})
