import { afterAll } from 'vitest'
import { removeDir, tempDir } from '../../test/helpers'
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
