import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/**
 * The one error shape of the API: `{ error: { code, message } }`, with what else helps the caller
 * (the line of a file that cannot be read) beside them.
 */
export function apiError(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
) {
  return c.json({ error: { ...details, code, message } }, status)
}
