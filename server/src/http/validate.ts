import { validator } from 'hono/validator'
import type { z } from 'zod'
import { apiError } from './errors'

/**
 * Validates a JSON body against a zod schema: malformed JSON and invalid fields are a 400 with the
 * first problem in words, never a 500. The handler reads the result with `c.req.valid('json')`.
 */
export function jsonBody<Schema extends z.ZodType>(schema: Schema) {
  return validator('json', (value, c) => {
    const result = schema.safeParse(value)
    if (result.success) return result.data as z.output<Schema>
    const issue = result.error.issues[0]
    const field = issue?.path.join('.')
    return apiError(c, 400, 'invalid_body', `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid body'}`)
  })
}
