import {
  appendFileSync,
  closeSync,
  cpSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { removeDir, tempDir, waitFor } from '../../test/helpers'
import { pngOf } from '../../test/images'
import { describeAssetStore } from './assetStoreContract'
import { describeDocumentStore } from './documentStoreContract'
import { SqliteStore } from './sqlite'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) removeDir(dir)
})

async function openStore(): Promise<SqliteStore> {
  const dir = tempDir()
  dirs.push(dir)
  return SqliteStore.open(dir)
}

describeDocumentStore('SQLite', openStore)

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
}

describeAssetStore(
  'SQLite',
  openStore,
  async (store, hash) =>
    filesUnder(join((store as SqliteStore).db.name, '..', 'assets')).filter((file) => file.includes(hash))
      .length,
)

describe('SQLite asset files', () => {
  it('keep each image whole under assets/<first 2 hex>/<hash>, with no temporary file left', async () => {
    await withStore(async (store, dir) => {
      const png = pngOf(3000)
      const { hash } = await store.assets.put('board', png, 'image/png')
      await store.assets.put('other board', png, 'image/png')
      expect(filesUnder(join(dir, 'assets'))).toEqual([join(hash.slice(0, 2), hash)])
      expect(readFileSync(join(dir, 'assets', hash.slice(0, 2), hash)).equals(png)).toBe(true)
    })
  })

  it('write again bytes whose file is missing or cut short, and serve them whole', async () => {
    await withStore(async (store, dir) => {
      const png = pngOf(3000)
      const { hash } = await store.assets.put('board', png, 'image/png')
      const path = join(dir, 'assets', hash.slice(0, 2), hash)
      // As a disk restored from an old backup, or a hand-made copy cut short, would leave it.
      writeFileSync(path, png.subarray(0, 100))
      await store.assets.put('board', png, 'image/png')
      expect(readFileSync(path).equals(png)).toBe(true)
    })
  })
})

/** Has the store copy its journal into SQLite now, as loading a board does (it would on a timer). */
const copyJournal = (store: SqliteStore) => store.loadDocument('any board')

/** What SQLite itself holds for a board, read past the store (which would take the journal first). */
function rowsInSqlite(store: SqliteStore, boardId: string): Buffer[] {
  return store.db
    .prepare('SELECT data FROM document_updates WHERE board_id = ? ORDER BY seq')
    .pluck()
    .all(boardId) as Buffer[]
}

/** The updates SQLite itself holds for a board, as plain arrays. */
const updatesInSqlite = (store: SqliteStore, boardId: string) =>
  rowsInSqlite(store, boardId).map((row) => [...row])

const JOURNAL = 'refinery.db-edits'

/** Runs `work` on a store of its own, and closes the store whatever happens. */
async function withStore<T>(work: (store: SqliteStore, dir: string) => Promise<T>): Promise<T> {
  const dir = tempDir()
  dirs.push(dir)
  const store = SqliteStore.open(dir)
  try {
    return await work(store, dir)
  } finally {
    await store.close()
  }
}

/** A copy of a store's files as a kill -9 would leave them right after `work`, and the store closed. */
function filesAfter(work: (store: SqliteStore, dir: string) => Promise<void>): Promise<string> {
  return withStore(async (store, dir) => {
    await work(store, dir)
    const crashed = tempDir()
    dirs.push(crashed)
    cpSync(dir, crashed, { recursive: true })
    return crashed
  })
}

describe('SQLite write-ahead log', () => {
  it('is checkpointed on a thread of the store’s own, not inside a commit', async () => {
    await withStore(async (store) => {
      const update = new Uint8Array(64).fill(7)
      for (let i = 0; i < 249; i++) {
        await store.appendUpdates([{ boardId: 'board', update }])
        await copyJournal(store)
      }
      expect(store.checkpoints).toBe(0)
      await store.appendUpdates([{ boardId: 'board', update }])
      // The 250th commit, which asks for a checkpoint.
      await copyJournal(store)
      // On the store's own thread: the commit that asked for it did not wait for it.
      expect(store.checkpoints).toBe(0)
      await waitFor(() => store.checkpoints === 1, { message: 'the checkpoint to complete' })
      // Everything was copied into the database, so the next commit starts the log over.
      await store.appendUpdates([{ boardId: 'board', update }])
      await copyJournal(store)
      const [wal] = store.db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[]
      expect(wal?.log).toBeLessThan(10)
      expect((await store.loadDocument('board')).updates).toHaveLength(251)
    })
  })
})

describe('SQLite update journal', () => {
  const a = new Uint8Array([1, 2, 3])
  const b = new Uint8Array([4, 5])
  const c = new Uint8Array([6])

  it('holds an append before SQLite does, and SQLite has it shortly after', async () => {
    await withStore(async (store, dir) => {
      await store.appendUpdates([{ boardId: 'board', update: a }])
      // Relayed from here on: the journal has it, SQLite not yet.
      expect(statSync(join(dir, JOURNAL)).size).toBeGreaterThan(a.byteLength)
      expect(rowsInSqlite(store, 'board')).toHaveLength(0)
      await waitFor(() => rowsInSqlite(store, 'board').length > 0, { message: 'SQLite to have it' })
      expect(updatesInSqlite(store, 'board')).toEqual([[1, 2, 3]])
    })
  })

  it('copies at once, on the next turn, when many updates are waiting', async () => {
    await withStore(async (store) => {
      const batch = Array.from({ length: 1000 }, () => ({ boardId: 'board', update: a }))
      await store.appendUpdates(batch)
      await new Promise((resolve) => setImmediate(resolve))
      expect(rowsInSqlite(store, 'board')).toHaveLength(1000)
    })
  })

  it('loads what only the journal holds yet, in order after what SQLite holds', async () => {
    await withStore(async (store) => {
      await store.appendUpdates([{ boardId: 'board', update: a }])
      await copyJournal(store)
      await store.appendUpdates([{ boardId: 'board', update: b }])
      const loaded = await store.loadDocument('board')
      expect(loaded.updates.map((update) => [...update])).toEqual([
        [1, 2, 3],
        [4, 5],
      ])
    })
  })

  it('copies into SQLite, at the next start, what a kill -9 left only in the journal', async () => {
    // The last batch relayed, in the journal, not in SQLite.
    const crashed = await filesAfter(async (store) => {
      await store.appendUpdates([{ boardId: 'board', update: a }])
      await copyJournal(store)
      await store.appendUpdates([
        { boardId: 'board', update: b },
        { boardId: 'other board', update: c },
      ])
    })
    const restarted = SqliteStore.open(crashed)
    try {
      expect(updatesInSqlite(restarted, 'board')).toEqual([
        [1, 2, 3],
        [4, 5],
      ])
      expect(updatesInSqlite(restarted, 'other board')).toEqual([[6]])
      expect(statSync(join(crashed, JOURNAL)).size).toBe(0)
    } finally {
      await restarted.close()
    }
  })

  it('copies nothing twice: what SQLite already took stays taken', async () => {
    const crashed = await filesAfter(async (store, dir) => {
      await store.appendUpdates([{ boardId: 'board', update: a }])
      await copyJournal(store)
      await store.appendUpdates([{ boardId: 'board', update: b }])
      await copyJournal(store)
      // Both are in SQLite and still in the journal, which starts over only once it is long.
      expect(statSync(join(dir, JOURNAL)).size).toBeGreaterThan(0)
    })
    const restarted = SqliteStore.open(crashed)
    try {
      expect(rowsInSqlite(restarted, 'board')).toHaveLength(2)
    } finally {
      await restarted.close()
    }
  })

  /** The files of a store that journaled `a` and then `b` and was killed before SQLite took them. */
  function killedWithTwoJournaled(): Promise<string> {
    return filesAfter(async (store) => {
      await store.appendUpdates([{ boardId: 'board', update: a }])
      await store.appendUpdates([{ boardId: 'board', update: b }])
    })
  }

  it('reads a journal cut short by a lost write up to its last whole record', async () => {
    const crashed = await killedWithTwoJournaled()
    const journal = join(crashed, JOURNAL)
    // Part of a third record, as a power failure may leave it.
    appendFileSync(journal, readFileSync(journal).subarray(0, 10))
    const restarted = SqliteStore.open(crashed)
    try {
      expect(updatesInSqlite(restarted, 'board')).toEqual([
        [1, 2, 3],
        [4, 5],
      ])
    } finally {
      await restarted.close()
    }
  })

  it('takes no record whose bytes do not match its checksum', async () => {
    const crashed = await killedWithTwoJournaled()
    const journal = join(crashed, JOURNAL)
    const bytes = readFileSync(journal)
    // The file's last byte is the second update's.
    bytes[bytes.byteLength - 1] = 0xff
    writeFileSync(journal, bytes)
    const restarted = SqliteStore.open(crashed)
    try {
      expect(updatesInSqlite(restarted, 'board')).toEqual([[1, 2, 3]])
    } finally {
      await restarted.close()
    }
  })

  it('starts over once all of it is in SQLite and it has grown long', async () => {
    await withStore(async (store, dir) => {
      const update = new Uint8Array(100 * 1024).fill(9)
      for (let i = 0; i < 11; i++) {
        await store.appendUpdates([{ boardId: 'board', update }])
        await copyJournal(store)
      }
      // 11 × 100 KiB passed 1 MiB once: the file started over, and holds only what came after.
      expect(statSync(join(dir, JOURNAL)).size).toBeLessThan(1024 * 1024)
      expect(rowsInSqlite(store, 'board')).toHaveLength(11)
    })
  })

  it('puts its updates in SQLite before anything else changes the database', async () => {
    await withStore(async (store) => {
      await store.appendUpdates([{ boardId: 'deleted board', update: a }])
      // As deleting a board does, in the same turn as the append: the update must not land afterwards.
      await store.sql.run('DELETE FROM document_updates WHERE board_id = ?', ['deleted board'])
      await copyJournal(store)
      expect(rowsInSqlite(store, 'deleted board')).toHaveLength(0)
      expect((await store.loadDocument('deleted board')).updates).toHaveLength(0)
    })
  })

  it('commits to SQLite directly, losing nothing, once the journal cannot be written', async () => {
    const errors: string[] = []
    const dir = tempDir()
    dirs.push(dir)
    const store = SqliteStore.open(dir, (message) => errors.push(message))
    try {
      await store.appendUpdates([{ boardId: 'board', update: a }])
      // The journal's file swapped for one open only for reading: its next write fails, as on a full
      // disk (the store closes the swapped one; the journal's own is closed here).
      const journal = (store as unknown as { journal: { fd: number } }).journal
      const own = journal.fd
      journal.fd = openSync(join(dir, JOURNAL), 'r')
      closeSync(own)
      await store.appendUpdates([{ boardId: 'board', update: b }])
      expect(errors.join('\n')).toMatch(/the update journal failed; committing to SQLite directly/)
      // In order: the journaled update first, then the one committed directly.
      expect(updatesInSqlite(store, 'board')).toEqual([
        [1, 2, 3],
        [4, 5],
      ])
      await store.appendUpdates([{ boardId: 'board', update: c }])
      expect(rowsInSqlite(store, 'board')).toHaveLength(3)
    } finally {
      await store.close()
    }
  })
})
