import type { MiddlewareHandler } from 'hono'
import { apiError } from './errors'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Whether a request's `Origin` is one this deployment's browsers use. With `required`, a request that
 * names no origin is refused too (the WebSocket upgrade: browsers always send one).
 */
export function originAllowed(
  origin: string | undefined,
  allowed: ReadonlySet<string>,
  required = false,
): boolean {
  return origin === undefined ? !required : allowed.has(origin)
}

/** 403 for a mutating request whose `Origin` is not one this deployment's browsers use. */
export function originCheck(allowed: readonly string[]): MiddlewareHandler {
  const origins = new Set(allowed)
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method) && !originAllowed(c.req.header('origin'), origins)) {
      return apiError(c, 403, 'forbidden_origin', 'Requests from this origin are not allowed')
    }
    await next()
  }
}
