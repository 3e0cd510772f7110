import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { removeDir, tempDir, waitFor } from '../../test/helpers'
import { WalCheckpointer } from './walCheckpointer'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) removeDir(dir)
})

describe('WAL checkpointer', () => {
  it('checkpoints on its thread, and a thread that dies is replaced on the next request', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const file = join(dir, 'wal.db')
    const db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.exec('CREATE TABLE t (x BLOB)')
    const errors: string[] = []
    const checkpointer = new WalCheckpointer(file, (message) => errors.push(message))
    try {
      const write = () => {
        for (let i = 0; i < 50; i++) db.prepare('INSERT INTO t (x) VALUES (?)').run(Buffer.alloc(100))
      }
      write()
      checkpointer.request()
      await waitFor(() => checkpointer.completed === 1, { message: 'the first checkpoint' })

      // biome-ignore lint/complexity/useLiteralKeys: the thread is private; the test kills it to see it replaced.
      await checkpointer['worker']?.terminate()
      write()
      checkpointer.request()
      await waitFor(() => checkpointer.completed === 2, { message: 'a checkpoint by a new thread' })
      expect(errors).toEqual([])
    } finally {
      await checkpointer.close()
      db.close()
    }
  })
})
