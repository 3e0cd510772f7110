import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../http/env'
import { apiError } from '../http/errors'
import { clearSessionCookie, readSessionCookie, writeSessionCookie } from './cookies'
import type { SessionStore } from './sessions'

/** Resolves the session cookie to `c.var.user` and `c.var.session` (null when absent or expired). */
export function sessionMiddleware(sessions: SessionStore, secureCookies: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = readSessionCookie(c)
    c.set('user', null)
    c.set('session', null)
    if (token) {
      const found = await sessions.validate(token)
      if (found) {
        c.set('user', found.user)
        c.set('session', found.session)
        if (found.renewed) writeSessionCookie(c, token, found.session.expiresAt, secureCookies)
      } else {
        clearSessionCookie(c, secureCookies)
      }
    }
    await next()
  }
}

/** 401 without a valid session. */
export const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.var.user) return apiError(c, 401, 'unauthenticated', 'Sign in to continue')
  await next()
}
