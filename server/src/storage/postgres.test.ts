import { afterAll } from 'vitest'
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../../test/helpers'
import { describeDocumentStore } from './documentStoreContract'
import { PostgresStore } from './postgres'

const schemas: string[] = []
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema)
})

describeDocumentStore('PostgreSQL', async () => {
  const schema = freshSchema()
  schemas.push(schema)
  return PostgresStore.open({ connectionString: TEST_DATABASE_URL, schema })
})
