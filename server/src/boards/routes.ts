import {
  AcceptInviteBody,
  CreateBoardBody,
  CreateInviteBody,
  can,
  presenceColor,
  type Role,
  UpdateBoardBody,
  UpdateMemberBody,
  VoteBody,
} from '@refinery/shared'
import { type Context, Hono } from 'hono'
import type * as Y from 'yjs'
import { writeSessionCookie } from '../auth/cookies'
import { requireUser } from '../auth/middleware'
import { clientAddress, type RateLimiter, rateLimited } from '../auth/rateLimit'
import type { SessionStore, User } from '../auth/sessions'
import type { UserStore } from '../auth/users'
import type { HiddenVoting } from '../facilitation/hiddenVotes'
import type { AppEnv } from '../http/env'
import { apiError } from '../http/errors'
import { jsonBody } from '../http/validate'
import { boardAccess } from './access'
import { type Board, type BoardStore, type Invite, LastOwnerError } from './boardStore'
import { applyTemplate } from './templates'

/** What the live side must hear about, so sockets follow membership within a second. */
export interface AccessEvents {
  memberChanged(boardId: string, userId: string, role: Role | null): void
  boardDeleted(boardId: string): void
}

/** The live documents, for the routes that read or write a board's content. */
export interface BoardDocuments {
  read<T>(boardId: string, read: (doc: Y.Doc) => T): Promise<T>
  change<T>(boardId: string, change: (doc: Y.Doc) => T): Promise<T>
}

export interface BoardDeps {
  boards: BoardStore
  documents: BoardDocuments
  /** Where votes go: the document, or while voting is hidden the server's table. */
  voting: HiddenVoting
  users: UserStore
  sessions: SessionStore
  events: AccessEvents
  publicUrl: string
  secureCookies: boolean
}

export interface InviteDeps extends BoardDeps {
  /** Guest accounts made per client address, and per invite link. */
  guestLimits: { byAddress: RateLimiter; byInvite: RateLimiter }
  /** Behind a reverse proxy: the client's address is the last one the proxy added to X-Forwarded-For. */
  trustProxy: boolean
}

/** A board as a member sees it: their role, and the colour their cursor and avatar have on it. */
const boardJson = (board: Board, role: Role, joinOrder: number | null) => ({
  ...board,
  role,
  color: presenceColor(joinOrder ?? 0),
})
const inviteJson = (invite: Invite) => ({
  id: invite.id,
  role: invite.role,
  expiresAt: new Date(invite.expiresAt).toISOString(),
  createdAt: new Date(invite.createdAt).toISOString(),
})

export function boardRoutes({ boards, documents, voting, events, publicUrl }: BoardDeps) {
  const access = (capability: Parameters<typeof boardAccess>[1]) => boardAccess(boards, capability)
  const joinOrderOf = (c: Context<AppEnv>) => boards.joinOrder(c.var.board.id, (c.var.user as User).id)
  const inviteUrl = (token: string) => `${publicUrl}/join/${token}`

  return new Hono<AppEnv>()
    .post('/', requireUser, jsonBody(CreateBoardBody), async (c) => {
      const { title, template } = c.req.valid('json')
      const board = await boards.create((c.var.user as User).id, title)
      if (template !== 'blank') await documents.change(board.id, (doc) => applyTemplate(doc, template))
      return c.json(boardJson(board, 'owner', 0), 201)
    })
    .get('/', requireUser, async (c) => c.json({ boards: await boards.listFor((c.var.user as User).id) }))
    .get('/:id', access('board:read'), async (c) => {
      const board = await boards.get(c.var.board.id)
      if (!board) return apiError(c, 404, 'not_found', 'No such board')
      return c.json(boardJson(board, c.var.board.role, await joinOrderOf(c)))
    })
    .patch('/:id', access('board:configure'), jsonBody(UpdateBoardBody), async (c) => {
      const board = await boards.update(c.var.board.id, c.req.valid('json'))
      return c.json(boardJson(board, c.var.board.role, await joinOrderOf(c)))
    })
    .delete('/:id', access('board:delete'), async (c) => {
      await boards.delete(c.var.board.id)
      events.boardDeleted(c.var.board.id)
      return c.body(null, 204)
    })
    .get('/:id/members', access('board:read'), async (c) => {
      // Emails are for the owners who manage the board; a workshop's clients see names and roles.
      const showEmail = can(c.var.board.role, 'members:manage')
      const members = (await boards.members(c.var.board.id)).map((member) =>
        showEmail ? member : { ...member, email: null },
      )
      return c.json({ members })
    })
    .patch('/:id/members/:userId', access('members:manage'), jsonBody(UpdateMemberBody), async (c) => {
      const { role } = c.req.valid('json')
      return changeMember(c, c.req.param('userId'), role)
    })
    .delete('/:id/members/:userId', access('members:manage'), async (c) =>
      changeMember(c, c.req.param('userId'), null),
    )
    .post('/:id/invites', access('members:manage'), jsonBody(CreateInviteBody), async (c) => {
      const { role, expiresInHours } = c.req.valid('json')
      const { token, invite } = await boards.createInvite(
        c.var.board.id,
        role,
        (c.var.user as User).id,
        expiresInHours * 3_600_000,
      )
      return c.json({ token, url: inviteUrl(token), ...inviteJson(invite) }, 201)
    })
    .get('/:id/votes', access('board:read'), async (c) => {
      const board = await boards.get(c.var.board.id)
      const mine = await voting.mine(c.var.board.id, (c.var.user as User).id)
      const used = [...mine.values()].reduce((sum, dots) => sum + dots, 0)
      return c.json({
        budget: board?.voteBudget ?? 0,
        left: Math.max(0, (board?.voteBudget ?? 0) - used),
        mine: Object.fromEntries(mine),
      })
    })
    .put('/:id/votes/:cardId', access('board:vote'), jsonBody(VoteBody), async (c) => {
      const board = await boards.get(c.var.board.id)
      if (!board) return apiError(c, 404, 'not_found', 'No such board')
      const cardId = c.req.param('cardId')
      const { dots } = c.req.valid('json')
      const outcome = await voting.cast(board.id, cardId, (c.var.user as User).id, dots, board.voteBudget)
      if (outcome.kind === 'no-such-card')
        return apiError(c, 404, 'card_not_found', 'No such card on this board')
      if (outcome.kind === 'over-budget') {
        return apiError(
          c,
          409,
          'over_budget',
          `That would pass your ${board.voteBudget} dots; you have ${outcome.left} left`,
        )
      }
      return c.json({ cardId, dots: outcome.dots, left: outcome.left })
    })
    .get('/:id/invites', access('members:manage'), async (c) =>
      c.json({
        invites: (await boards.openInvites(c.var.board.id)).map(({ invite, token }) => ({
          ...inviteJson(invite),
          url: token === null ? null : inviteUrl(token),
        })),
      }),
    )
    .delete('/:id/invites/:inviteId', access('members:manage'), async (c) => {
      const revoked = await boards.revokeInvite(c.var.board.id, c.req.param('inviteId'))
      if (!revoked) return apiError(c, 404, 'not_found', 'No such open invite')
      return c.body(null, 204)
    })

  async function changeMember(c: Context<AppEnv>, userId: string, role: Role | null) {
    try {
      const changed = await boards.setRole(c.var.board.id, userId, role)
      if (!changed) return apiError(c, 404, 'not_found', 'No such member')
    } catch (error) {
      if (error instanceof LastOwnerError) {
        return apiError(c, 409, 'last_owner', 'A board needs at least one owner')
      }
      throw error
    }
    events.memberChanged(c.var.board.id, userId, role)
    return role === null ? c.body(null, 204) : c.json({ userId, role })
  }
}

/** Invite links: look one up (for the join page), accept one (with or without an account). */
export function inviteRoutes({
  boards,
  users,
  sessions,
  events,
  secureCookies,
  guestLimits,
  trustProxy,
}: InviteDeps) {
  const missing = { status: 404, code: 'not_found', message: 'This invite link does not exist' } as const
  const openInvite = async (token: string) => {
    const found = await boards.findInvite(token)
    if (!found) return { error: missing }
    if (found.state !== 'open') {
      const message = `This invite link has ${found.state === 'expired' ? 'expired' : 'been revoked'}`
      return { error: { status: 410, code: `invite_${found.state}`, message } as const }
    }
    const board = await boards.get(found.invite.boardId)
    if (!board) return { error: missing }
    return { invite: found.invite, board }
  }

  return new Hono<AppEnv>()
    .get('/:token', async (c) => {
      const found = await openInvite(c.req.param('token'))
      if (found.error) return apiError(c, found.error.status, found.error.code, found.error.message)
      return c.json({ boardId: found.board.id, boardTitle: found.board.title, role: found.invite.role })
    })
    .post('/:token/accept', jsonBody(AcceptInviteBody), async (c) => {
      const found = await openInvite(c.req.param('token'))
      if (found.error) return apiError(c, found.error.status, found.error.code, found.error.message)
      let user = c.var.user
      if (!user) {
        const { name } = c.req.valid('json')
        if (!name) return apiError(c, 400, 'invalid_body', 'name: Enter the name others will see')
        // Only a new guest account counts: one link must not mint accounts in bulk (issue 14).
        const limited = rateLimited(c, [
          [guestLimits.byAddress, clientAddress(c, trustProxy)],
          [guestLimits.byInvite, found.invite.id],
        ])
        if (limited) return limited
        user = await users.createGuest(name)
        const { token, session } = await sessions.create(user.id)
        writeSessionCookie(c, token, session.expiresAt, secureCookies)
      }
      const role = await boards.join(found.board.id, user.id, found.invite.role)
      events.memberChanged(found.board.id, user.id, role)
      return c.json({ boardId: found.board.id, role })
    })
}
