import { afterAll, describe, expect, it } from 'vitest'
import { removeDir, tempDir, waitFor } from '../../test/helpers'
import { describeDocumentStore } from './documentStoreContract'
import { SqliteStore } from './sqlite'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) removeDir(dir)
})

describeDocumentStore('SQLite', async () => {
  const dir = tempDir()
  dirs.push(dir)
  return SqliteStore.open(dir)
})

describe('SQLite write-ahead log', () => {
  it('is checkpointed on a thread of the store’s own, not inside a commit', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const store = SqliteStore.open(dir)
    try {
      const update = new Uint8Array(64).fill(7)
      for (let i = 0; i < 249; i++) await store.appendUpdates([{ boardId: 'board', update }])
      expect(store.checkpoints).toBe(0)
      await store.appendUpdates([{ boardId: 'board', update }])
      // On the store's own thread: the append that asked for it did not wait for it.
      expect(store.checkpoints).toBe(0)
      await waitFor(() => store.checkpoints === 1, { message: 'the checkpoint to complete' })
      // Everything was copied into the database, so the next commit starts the log over.
      await store.appendUpdates([{ boardId: 'board', update }])
      const [wal] = store.db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[]
      expect(wal?.log).toBeLessThan(10)
      expect((await store.loadDocument('board')).updates).toHaveLength(251)
    } finally {
      await store.close()
    }
  })
})
