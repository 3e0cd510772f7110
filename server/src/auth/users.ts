import type { Sql } from '../storage/sql'
import type { User } from './sessions'
import { randomToken } from './tokens'

interface UserRow {
  id: string
  email: string | null
  name: string
  password_hash: string | null
  is_guest: number | boolean
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  isGuest: Boolean(row.is_guest),
})

export class EmailTakenError extends Error {
  override name = 'EmailTakenError'
}

export class UserStore {
  constructor(private readonly sql: Sql) {}

  async createAccount(email: string, name: string, passwordHash: string): Promise<User> {
    const id = `u_${randomToken(12)}`
    try {
      await this.sql.run(
        'INSERT INTO users (id, email, name, password_hash, is_guest, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [id, email, name, passwordHash, false, Date.now()],
      )
    } catch (error) {
      if (/unique/i.test((error as Error).message)) throw new EmailTakenError(email)
      throw error
    }
    return { id, email, name, isGuest: false }
  }

  /** A guest: a display name and a session, no email or password (someone who joined by link). */
  async createGuest(name: string): Promise<User> {
    const id = `u_${randomToken(12)}`
    await this.sql.run(
      'INSERT INTO users (id, email, name, password_hash, is_guest, created_at) VALUES (?, NULL, ?, NULL, ?, ?)',
      [id, name, true, Date.now()],
    )
    return { id, email: null, name, isGuest: true }
  }

  async findByEmail(email: string): Promise<(User & { passwordHash: string | null }) | undefined> {
    const row = await this.sql.get<UserRow>('SELECT * FROM users WHERE email = ?', [email])
    return row && { ...toUser(row), passwordHash: row.password_hash }
  }

  async passwordHashOf(userId: string): Promise<string | null> {
    const row = await this.sql.get<UserRow>('SELECT password_hash FROM users WHERE id = ?', [userId])
    return row?.password_hash ?? null
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.sql.run('UPDATE users SET password_hash = ? WHERE id = ?', [passwordHash, userId])
  }
}
