import { afterAll } from 'vitest'
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../../test/helpers'
import { describeAssetStore } from './assetStoreContract'
import { describeDocumentStore } from './documentStoreContract'
import { PostgresStore } from './postgres'

const schemas: string[] = []
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema)
})

async function openStore(): Promise<PostgresStore> {
  const schema = freshSchema()
  schemas.push(schema)
  return PostgresStore.open({ connectionString: TEST_DATABASE_URL, schema })
}

describeDocumentStore('PostgreSQL', openStore)

describeAssetStore('PostgreSQL', openStore, async (store, hash) => {
  const row = await store.sql.get<{ copies: number }>(
    'SELECT count(*)::int AS copies FROM asset_blobs WHERE hash = ?',
    [hash],
  )
  return row?.copies ?? 0
})
