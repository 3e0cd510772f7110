import type { Sql } from '../storage/sql'
import { matchesHash, randomToken, sha256Hex } from './tokens'

const DAY = 24 * 60 * 60 * 1000
/** A session lives 30 days from its last use, renewed when less than half of that is left. */
export const SESSION_LIFETIME_MS = 30 * DAY
const RENEW_WHEN_LEFT_MS = 15 * DAY

export interface User {
  id: string
  email: string | null
  name: string
  isGuest: boolean
}

export interface Session {
  id: string
  userId: string
  expiresAt: number
}

interface SessionRow {
  id: string
  secret_hash: string
  expires_at: number
  user_id: string
  email: string | null
  name: string
  is_guest: number | boolean
}

/**
 * Sessions in the way the Lucia guide teaches: the cookie holds `id.secret`; storage holds the id and
 * only a SHA-256 of the secret, compared in constant time; expiry slides with use.
 */
export class SessionStore {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts a session; the returned token goes to the cookie and is never stored. */
  async create(userId: string): Promise<{ token: string; session: Session }> {
    const id = randomToken(15)
    const secret = randomToken(20)
    const expiresAt = this.now() + SESSION_LIFETIME_MS
    await this.sql.run(
      'INSERT INTO sessions (id, secret_hash, user_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?)',
      [id, sha256Hex(secret), userId, expiresAt, this.now()],
    )
    return { token: `${id}.${secret}`, session: { id, userId, expiresAt } }
  }

  /** The session and user a token stands for, with `renewed` set when its expiry moved; null if none. */
  async validate(token: string): Promise<{ session: Session; user: User; renewed: boolean } | null> {
    const [id, secret, ...rest] = token.split('.')
    if (!id || !secret || rest.length > 0) return null
    const row = await this.sql.get<SessionRow>(
      `SELECT s.id, s.secret_hash, s.expires_at, s.user_id, u.email, u.name, u.is_guest
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`,
      [id],
    )
    if (!row || !matchesHash(secret, row.secret_hash)) return null
    const now = this.now()
    if (now >= Number(row.expires_at)) {
      await this.invalidate(id)
      return null
    }
    let expiresAt = Number(row.expires_at)
    let renewed = false
    if (expiresAt - now < RENEW_WHEN_LEFT_MS) {
      expiresAt = now + SESSION_LIFETIME_MS
      renewed = true
      await this.sql.run('UPDATE sessions SET expires_at = ? WHERE id = ?', [expiresAt, id])
    }
    return {
      session: { id, userId: row.user_id, expiresAt },
      user: { id: row.user_id, email: row.email, name: row.name, isGuest: Boolean(row.is_guest) },
      renewed,
    }
  }

  async invalidate(sessionId: string): Promise<void> {
    await this.sql.run('DELETE FROM sessions WHERE id = ?', [sessionId])
  }

  async invalidateAllOf(userId: string): Promise<void> {
    await this.sql.run('DELETE FROM sessions WHERE user_id = ?', [userId])
  }
}
