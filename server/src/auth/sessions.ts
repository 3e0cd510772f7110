import type { Sql } from '../storage/sql'
import { matchesHash, randomToken, sha256Hex } from './tokens'

const DAY = 24 * 60 * 60 * 1000
/** A session lives 30 days from its last use, renewed when less than half of that is left. */
export const SESSION_LIFETIME_MS = 30 * DAY

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
  private readonly now: () => number
  private readonly lifetimeMs: number

  constructor(
    private readonly sql: Sql,
    { now = Date.now, lifetimeMs = SESSION_LIFETIME_MS }: { now?: () => number; lifetimeMs?: number } = {},
  ) {
    this.now = now
    this.lifetimeMs = lifetimeMs
  }

  /** Starts a session; the returned token goes to the cookie and is never stored. */
  async create(userId: string): Promise<{ token: string; session: Session }> {
    const id = randomToken(15)
    const secret = randomToken(20)
    const expiresAt = this.now() + this.lifetimeMs
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
    if (expiresAt - now < this.lifetimeMs / 2) {
      expiresAt = now + this.lifetimeMs
      renewed = true
      await this.sql.run('UPDATE sessions SET expires_at = ? WHERE id = ?', [expiresAt, id])
    }
    return {
      session: { id, userId: row.user_id, expiresAt },
      user: { id: row.user_id, email: row.email, name: row.name, isGuest: Boolean(row.is_guest) },
      renewed,
    }
  }

  /**
   * When a session ends as of now, renewals included; null once it has ended. For sockets, which
   * outlive the request that opened them: it renews nothing, since a socket is not a use.
   */
  async expiryOf(sessionId: string): Promise<number | null> {
    const row = await this.sql.get<{ expires_at: number }>('SELECT expires_at FROM sessions WHERE id = ?', [
      sessionId,
    ])
    const expiresAt = Number(row?.expires_at)
    return row && this.now() < expiresAt ? expiresAt : null
  }

  async invalidate(sessionId: string): Promise<void> {
    await this.sql.run('DELETE FROM sessions WHERE id = ?', [sessionId])
  }

  /** Ends every session of the user; resolves to their ids, so their open sockets can be closed too. */
  async invalidateAllOf(userId: string): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>('DELETE FROM sessions WHERE user_id = ? RETURNING id', [
      userId,
    ])
    return rows.map((row) => row.id)
  }
}
