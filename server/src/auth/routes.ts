import { ChangePasswordBody, LoginBody, SignupBody } from '@refinery/shared'
import { type Context, Hono } from 'hono'
import type { AppEnv } from '../http/env'
import { apiError } from '../http/errors'
import { jsonBody } from '../http/validate'
import { clearSessionCookie, writeSessionCookie } from './cookies'
import { requireUser } from './middleware'
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './password'
import { clientAddress, type RateLimiter, rateLimited } from './rateLimit'
import type { Session, SessionStore, User } from './sessions'
import { EmailTakenError, type UserStore } from './users'

/** What the live side must hear about, so a socket ends with its session within a second. */
export interface SessionEvents {
  sessionsEnded(sessionIds: readonly string[]): void
  /** The session was swapped for a fresh one in the same browser, which keeps its sockets. */
  sessionReplaced(sessionId: string, by: Session): void
}

export interface AuthDeps {
  users: UserStore
  sessions: SessionStore
  events: SessionEvents
  secureCookies: boolean
  /**
   * Attempts per client address, and per account: a login's per-account count is kept per client
   * address too, so guesses from one address cannot lock the owner out from theirs.
   */
  limits: { byAddress: RateLimiter; byAccount: RateLimiter }
  /** Behind a reverse proxy: the client's address is the last one the proxy added to X-Forwarded-For. */
  trustProxy: boolean
}

export const publicUser = (user: User) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  isGuest: user.isGuest,
})

export function authRoutes({ users, sessions, events, secureCookies, limits, trustProxy }: AuthDeps) {
  const startSession = async (c: Context<AppEnv>, user: User) => {
    const { token, session } = await sessions.create(user.id)
    writeSessionCookie(c, token, session.expiresAt, secureCookies)
    return session
  }

  return new Hono<AppEnv>()
    .post('/signup', jsonBody(SignupBody), async (c) => {
      const { email, password, name } = c.req.valid('json')
      const limited = rateLimited(c, [[limits.byAddress, `signup:${clientAddress(c, trustProxy)}`]])
      if (limited) return limited
      try {
        const user = await users.createAccount(email, name, await hashPassword(password))
        await startSession(c, user)
        return c.json(publicUser(user), 201)
      } catch (error) {
        if (error instanceof EmailTakenError) {
          return apiError(c, 409, 'email_taken', 'An account with this email already exists')
        }
        throw error
      }
    })
    .post('/login', jsonBody(LoginBody), async (c) => {
      const { email, password } = c.req.valid('json')
      const address = clientAddress(c, trustProxy)
      const limited = rateLimited(c, [
        [limits.byAddress, `login:${address}`],
        [limits.byAccount, `login:${email} ${address}`],
      ])
      if (limited) return limited
      const found = await users.findByEmail(email)
      // Verify against a dummy hash for unknown emails so the answer takes as long either way.
      const valid = await verifyPassword(found?.passwordHash ?? DUMMY_PASSWORD_HASH, password)
      if (!found?.passwordHash || !valid) {
        return apiError(c, 401, 'invalid_credentials', 'Wrong email or password')
      }
      await startSession(c, found)
      return c.json(publicUser(found))
    })
    .post('/logout', async (c) => {
      if (c.var.session) {
        await sessions.invalidate(c.var.session.id)
        events.sessionsEnded([c.var.session.id])
      }
      clearSessionCookie(c, secureCookies)
      return c.body(null, 204)
    })
    .post('/password', requireUser, jsonBody(ChangePasswordBody), async (c) => {
      const user = c.var.user as User
      const current = c.var.session as Session
      const { currentPassword, newPassword } = c.req.valid('json')
      // A stolen session must not become a way to guess the account's password.
      const limited = rateLimited(c, [[limits.byAccount, `password:${user.id}`]])
      if (limited) return limited
      const hash = await users.passwordHashOf(user.id)
      if (!hash || !(await verifyPassword(hash, currentPassword))) {
        return apiError(c, 401, 'invalid_credentials', 'The current password is wrong')
      }
      await users.setPasswordHash(user.id, await hashPassword(newPassword))
      // A changed password ends every session of the account, this one included; then a fresh one,
      // which this browser's open sockets carry on under.
      const ended = await sessions.invalidateAllOf(user.id)
      const fresh = await startSession(c, user)
      events.sessionReplaced(current.id, fresh)
      events.sessionsEnded(ended.filter((id) => id !== current.id))
      return c.body(null, 204)
    })
}
