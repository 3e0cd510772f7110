import type { MiddlewareHandler } from 'hono'
import { apiError } from './errors'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export interface OriginCheckOptions {
  /** Refuse a request with no Origin too (the WebSocket upgrade: browsers always send one). */
  requireOrigin?: boolean
  /** Check GET and HEAD too (the WebSocket upgrade is a GET). */
  safeMethods?: boolean
}

/** 403 for requests whose `Origin` is not one this deployment's browsers use. */
export function originCheck(allowed: readonly string[], options: OriginCheckOptions = {}): MiddlewareHandler {
  const origins = new Set(allowed)
  return async (c, next) => {
    if (options.safeMethods || !SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header('origin')
      if (origin === undefined ? options.requireOrigin === true : !origins.has(origin)) {
        return apiError(c, 403, 'forbidden_origin', 'Requests from this origin are not allowed')
      }
    }
    await next()
  }
}
