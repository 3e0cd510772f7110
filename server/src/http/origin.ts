import type { MiddlewareHandler } from 'hono'
import { apiError } from './errors'

/**
 * Refuses requests whose `Origin` is not one the browsers of this deployment use. With
 * `requireOrigin`, a request that carries no Origin is refused too (the WebSocket upgrade: browsers
 * always send one, and nothing else should open a board's socket without saying where it comes from).
 */
export function originCheck(
  allowed: readonly string[],
  options: { requireOrigin?: boolean } = {},
): MiddlewareHandler {
  const origins = new Set(allowed)
  return async (c, next) => {
    const origin = c.req.header('origin')
    if (origin === undefined ? options.requireOrigin === true : !origins.has(origin)) {
      return apiError(c, 403, 'forbidden_origin', 'Requests from this origin are not allowed')
    }
    await next()
  }
}
