import { type InviteRole, ROLES, type Role } from '@refinery/shared'
import { randomToken, sha256Hex } from '../auth/tokens'
import type { Sql } from '../storage/sql'
import { InviteTokens } from './inviteTokens'

export const DEFAULT_VOTE_BUDGET = 5

export interface Board {
  id: string
  title: string
  voteBudget: number
  createdAt: number
  updatedAt: number
}

export interface Member {
  userId: string
  name: string
  email: string | null
  isGuest: boolean
  role: Role
}

export interface Invite {
  id: string
  boardId: string
  role: InviteRole
  expiresAt: number
  createdAt: number
}

interface BoardRow {
  id: string
  title: string
  vote_budget: number
  created_at: number
  updated_at: number
  role?: Role
}

const toBoard = (row: BoardRow): Board => ({
  id: row.id,
  title: row.title,
  voteBudget: Number(row.vote_budget),
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
})

/** An open invite with its token, or null for a link made before tokens were derived (see InviteTokens). */
export interface InviteLink {
  invite: Invite
  token: string | null
}

interface InviteRow {
  id: string
  token_hash: string
  board_id: string
  role: InviteRole
  expires_at: number
  created_at: number
  revoked_at: number | null
}

const toInvite = (row: InviteRow): Invite => ({
  id: row.id,
  boardId: row.board_id,
  role: row.role,
  expiresAt: Number(row.expires_at),
  createdAt: Number(row.created_at),
})

/** A change that would leave a board without an owner. */
export class LastOwnerError extends Error {
  override name = 'LastOwnerError'
}

/** Boards, their members and their invite links. */
export class BoardStore {
  private readonly tokens: InviteTokens

  constructor(
    private readonly sql: Sql,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = new InviteTokens(sql)
  }

  async create(ownerId: string, title: string): Promise<Board> {
    const id = randomToken(9)
    const now = this.now()
    await this.sql.transaction(async (tx) => {
      await tx.run(
        'INSERT INTO boards (id, title, vote_budget, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
        [id, title, DEFAULT_VOTE_BUDGET, now, now],
      )
      await tx.run('INSERT INTO board_members (board_id, user_id, role, created_at) VALUES (?, ?, ?, ?)', [
        id,
        ownerId,
        'owner',
        now,
      ])
    })
    return { id, title, voteBudget: DEFAULT_VOTE_BUDGET, createdAt: now, updatedAt: now }
  }

  /** The boards a user is a member of, newest first, with the user's role on each. */
  async listFor(userId: string): Promise<(Board & { role: Role })[]> {
    const rows = await this.sql.all<BoardRow & { role: Role }>(
      `SELECT b.*, m.role FROM boards b JOIN board_members m ON m.board_id = b.id
        WHERE m.user_id = ? ORDER BY b.created_at DESC, b.id`,
      [userId],
    )
    return rows.map((row) => ({ ...toBoard(row), role: row.role }))
  }

  async get(boardId: string): Promise<Board | undefined> {
    const row = await this.sql.get<BoardRow>('SELECT * FROM boards WHERE id = ?', [boardId])
    return row && toBoard(row)
  }

  async roleOf(boardId: string, userId: string): Promise<Role | null> {
    const row = await this.sql.get<{ role: string }>(
      'SELECT role FROM board_members WHERE board_id = ? AND user_id = ?',
      [boardId, userId],
    )
    // The shared constant rather than the row's copy: an open socket keeps its role for its lifetime.
    // A value that is not a role (a hand-edited row) grants nothing.
    return ROLES.find((role) => role === row?.role) ?? null
  }

  /**
   * How many members joined the board before this one (0 for its creator): what their presence colour
   * comes from, so no two of the first dozen people on a board share one. Members who joined in the
   * same millisecond are ordered by id. Null for someone who is not a member.
   */
  async joinOrder(boardId: string, userId: string): Promise<number | null> {
    const row = await this.sql.get<{ n: number | string }>(
      `SELECT COUNT(other.user_id) AS n FROM board_members me
        LEFT JOIN board_members other ON other.board_id = me.board_id
          AND (other.created_at < me.created_at OR (other.created_at = me.created_at AND other.user_id < me.user_id))
        WHERE me.board_id = ? AND me.user_id = ?
        GROUP BY me.user_id`,
      [boardId, userId],
    )
    return row ? Number(row.n) : null
  }

  async update(
    boardId: string,
    changes: { title?: string | undefined; voteBudget?: number | undefined },
  ): Promise<Board> {
    const board = await this.get(boardId)
    if (!board) throw new Error(`no board ${boardId}`)
    const next = { ...board, ...definedOnly(changes), updatedAt: this.now() }
    await this.sql.run('UPDATE boards SET title = ?, vote_budget = ?, updated_at = ? WHERE id = ?', [
      next.title,
      next.voteBudget,
      next.updatedAt,
      boardId,
    ])
    return next
  }

  /**
   * Deletes the board with its members, invites, stored document and links to its images. The images'
   * bytes stay: another board may hold the same image, and knowing that none does would need a lock
   * against an upload of the same bytes to another board in between. Bytes no board links are never
   * served (every read goes through a board's link), only kept on disk; sweeping them is work of its own.
   */
  async delete(boardId: string): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run('DELETE FROM board_assets WHERE board_id = ?', [boardId])
      await tx.run('DELETE FROM board_members WHERE board_id = ?', [boardId])
      await tx.run('DELETE FROM invites WHERE board_id = ?', [boardId])
      await tx.run('DELETE FROM board_versions WHERE board_id = ?', [boardId])
      await tx.run('DELETE FROM document_updates WHERE board_id = ?', [boardId])
      await tx.run('DELETE FROM document_snapshots WHERE board_id = ?', [boardId])
      await tx.run('DELETE FROM boards WHERE id = ?', [boardId])
    })
  }

  async members(boardId: string): Promise<Member[]> {
    const rows = await this.sql.all<{
      user_id: string
      name: string
      email: string | null
      is_guest: number | boolean
      role: Role
    }>(
      `SELECT m.user_id, m.role, u.name, u.email, u.is_guest FROM board_members m JOIN users u ON u.id = m.user_id
        WHERE m.board_id = ? ORDER BY m.created_at, u.name`,
      [boardId],
    )
    return rows.map((row) => ({
      userId: row.user_id,
      name: row.name,
      email: row.email,
      isGuest: Boolean(row.is_guest),
      role: row.role,
    }))
  }

  /** Adds a member, or raises the role of an existing one; never lowers it. Returns the role held. */
  async join(boardId: string, userId: string, role: Role): Promise<Role> {
    const ranks: Role[] = ['viewer', 'voter', 'editor', 'owner']
    return this.sql.transaction(async (tx) => {
      const current = await tx.get<{ role: Role }>(
        'SELECT role FROM board_members WHERE board_id = ? AND user_id = ?',
        [boardId, userId],
      )
      if (current && ranks.indexOf(current.role) >= ranks.indexOf(role)) return current.role
      if (current) {
        await tx.run('UPDATE board_members SET role = ? WHERE board_id = ? AND user_id = ?', [
          role,
          boardId,
          userId,
        ])
      } else {
        await tx.run('INSERT INTO board_members (board_id, user_id, role, created_at) VALUES (?, ?, ?, ?)', [
          boardId,
          userId,
          role,
          this.now(),
        ])
      }
      return role
    })
  }

  /** Changes a member's role (null removes them); refuses to leave the board without an owner. */
  async setRole(boardId: string, userId: string, role: Role | null): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const current = await tx.get<{ role: Role }>(
        'SELECT role FROM board_members WHERE board_id = ? AND user_id = ?',
        [boardId, userId],
      )
      if (!current) return false
      if (current.role === 'owner' && role !== 'owner') {
        const owners = await tx.get<{ n: number }>(
          "SELECT COUNT(*) AS n FROM board_members WHERE board_id = ? AND role = 'owner'",
          [boardId],
        )
        if (Number(owners?.n) <= 1) throw new LastOwnerError('a board needs at least one owner')
      }
      if (role === null) {
        await tx.run('DELETE FROM board_members WHERE board_id = ? AND user_id = ?', [boardId, userId])
      } else {
        await tx.run('UPDATE board_members SET role = ? WHERE board_id = ? AND user_id = ?', [
          role,
          boardId,
          userId,
        ])
      }
      return true
    })
  }

  /** A new invite link and its token (derived from its id; only the token's hash is stored). */
  async createInvite(
    boardId: string,
    role: InviteRole,
    createdBy: string,
    expiresInMs: number,
  ): Promise<{ token: string; invite: Invite }> {
    const invite: Invite = {
      id: `i_${randomToken(9)}`,
      boardId,
      role,
      expiresAt: this.now() + expiresInMs,
      createdAt: this.now(),
    }
    const token = await this.tokens.tokenFor(invite.id)
    await this.sql.run(
      'INSERT INTO invites (id, token_hash, board_id, role, created_by, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [invite.id, sha256Hex(token), boardId, role, createdBy, invite.expiresAt, invite.createdAt],
    )
    return { token, invite }
  }

  /** Invites that still work (not revoked, not expired), newest first, with their tokens where known. */
  async openInvites(boardId: string): Promise<InviteLink[]> {
    const rows = await this.sql.all<InviteRow>(
      'SELECT * FROM invites WHERE board_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC',
      [boardId, this.now()],
    )
    return Promise.all(
      rows.map(async (row) => {
        const token = await this.tokens.tokenFor(row.id)
        // A link made before tokens were derived has a random token, known to nobody but its holders.
        return { invite: toInvite(row), token: sha256Hex(token) === row.token_hash ? token : null }
      }),
    )
  }

  async revokeInvite(boardId: string, inviteId: string): Promise<boolean> {
    const changed = await this.sql.run(
      'UPDATE invites SET revoked_at = ? WHERE id = ? AND board_id = ? AND revoked_at IS NULL',
      [this.now(), inviteId, boardId],
    )
    return changed > 0
  }

  /** The invite a token stands for, with why it no longer works if it does not. */
  async findInvite(
    token: string,
  ): Promise<{ invite: Invite; state: 'open' | 'expired' | 'revoked' } | undefined> {
    const row = await this.sql.get<InviteRow>('SELECT * FROM invites WHERE token_hash = ?', [
      sha256Hex(token),
    ])
    if (!row) return undefined
    const state =
      row.revoked_at !== null ? 'revoked' : Number(row.expires_at) <= this.now() ? 'expired' : 'open'
    return { invite: toInvite(row), state }
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
