import { type Capability, can, getRecords, putRecord, ROLES, type Role } from '@refinery/shared'
import { cardAt } from '@refinery/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addMember,
  api,
  cleanupAfterEach,
  createBoard,
  openRawSocket,
  signUp,
  startTestServer,
} from '../../test/helpers'
import { randomToken, sha256Hex } from '../auth/tokens'
import type { RunningServer } from '../server'

type Person = Awaited<ReturnType<typeof signUp>>

let running: RunningServer
let port: number
/** Creates every board of the table and stays its owner. */
let creator: Person
/** One account per role other than owner; added to each fresh board with that role. */
const byRole = {} as Record<Exclude<Role, 'owner'>, Person>
/** Signed in, owner of a board of their own, member of no board of the table. */
let outsider: Person
/** The member whose role a PATCH / DELETE of a member changes. */
let target: Person

beforeAll(async () => {
  running = await startTestServer()
  port = running.port
  creator = await signUp(port, 'Olive')
  byRole.editor = await signUp(port, 'Edith')
  byRole.voter = await signUp(port, 'Victor')
  byRole.viewer = await signUp(port, 'Vivian')
  outsider = await signUp(port, 'Oscar')
  await createBoard(port, outsider.cookie, 'Somewhere else')
  target = await signUp(port, 'Tara')
})

afterAll(async () => {
  await running?.close()
})

const cleanup = cleanupAfterEach()

async function ownServer(overrides: Parameters<typeof startTestServer>[0] = {}) {
  const server = await startTestServer(overrides)
  cleanup(() => server.close())
  return server
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function expectError(response: { body: any }, code: string) {
  expect(response.body).toEqual({ error: { code, message: expect.any(String) } })
  expect(response.body.error.message.length).toBeGreaterThan(0)
}

interface Fixture {
  boardId: string
  /** A story card on the board, to vote on. */
  cardId: string
  /** A finished version of the board. */
  versionId: string
  inviteId: string
  targetId: string
  /** How many open invites the board has once set up (addMember's links stay open too). */
  openInvites: number
}

/** A fresh board: the creator owns it, the target is a viewer, `member` (if any) holds `role`, a voter invite. */
async function freshBoard(member: Person | null, role: Role | null): Promise<Fixture> {
  const boardId = await createBoard(port, creator.cookie, 'Table board')
  await addMember(port, creator.cookie, boardId, target.cookie, 'viewer')
  if (member && role && role !== 'owner') await addMember(port, creator.cookie, boardId, member.cookie, role)
  const invite = await api(port, `/api/boards/${boardId}/invites`, {
    method: 'POST',
    body: { role: 'voter' },
    cookie: creator.cookie,
  })
  if (invite.status !== 201) throw new Error(`creating the fixture invite failed: ${invite.status}`)
  const cardId = 'shape:fixture-card'
  await running.sync.change(boardId, (doc) =>
    putRecord(getRecords(doc), cardAt('fixture-card', 120, 75, { title: 'Fixture card' })),
  )
  const finished = await api(port, `/api/boards/${boardId}/finish`, {
    method: 'POST',
    body: {},
    cookie: creator.cookie,
  })
  if (finished.status !== 201) throw new Error(`finishing the fixture board failed: ${finished.status}`)
  const f = {
    boardId,
    cardId,
    versionId: finished.body.versionId,
    inviteId: invite.body.id,
    targetId: target.id,
    openInvites: 0,
  }
  f.openInvites = (await ownerView.invites(f)).length
  return f
}

/** The board as its creator (an owner) sees it, to tell whether a request took effect. */
const ownerView = {
  board: (f: Fixture) => api(port, `/api/boards/${f.boardId}`, { cookie: creator.cookie }),
  members: async (f: Fixture) =>
    (await api(port, `/api/boards/${f.boardId}/members`, { cookie: creator.cookie })).body.members as {
      userId: string
      role: Role
    }[],
  invites: async (f: Fixture) =>
    (await api(port, `/api/boards/${f.boardId}/invites`, { cookie: creator.cookie })).body.invites as {
      id: string
    }[],
}

interface HttpRoute {
  method: string
  path: (f: Fixture) => string
  body?: unknown
  capability: Capability
  success: number
  /** Checks the body of a successful answer. */
  checkBody?: (body: any, f: Fixture, role: Role) => void
  /** Whether the request changed the board (only for routes that change something). */
  tookEffect?: (f: Fixture) => Promise<boolean>
}

const httpRoutes: HttpRoute[] = [
  {
    method: 'GET',
    path: (f) => `/api/boards/${f.boardId}/backlog`,
    capability: 'board:read',
    success: 200,
    checkBody: (body, f) => {
      expect(body).toMatchObject({ boardId: f.boardId, versionId: null })
      expect(body.items.map((item: { id: string }) => item.id)).toEqual([f.cardId])
    },
  },
  {
    method: 'GET',
    path: (f) => `/api/boards/${f.boardId}/backlog.csv`,
    capability: 'board:read',
    success: 200,
  },
  {
    method: 'GET',
    path: (f) => `/api/boards/${f.boardId}/backlog.md`,
    capability: 'board:read',
    success: 200,
  },
  {
    method: 'GET',
    path: (f) => `/api/boards/${f.boardId}/export`,
    capability: 'board:read',
    success: 200,
    checkBody: (body, f) =>
      expect(body.records.map((record: { id: string }) => record.id)).toContain(f.cardId),
  },
  {
    method: 'GET',
    path: (f) => `/api/boards/${f.boardId}/versions`,
    capability: 'board:read',
    success: 200,
    checkBody: (body, f) => expect(body.versions.map((v: { id: string }) => v.id)).toEqual([f.versionId]),
  },
  {
    method: 'GET',
    path: (f) => `/api/boards/${f.boardId}/versions/${f.versionId}/backlog`,
    capability: 'board:read',
    success: 200,
    checkBody: (body, f) => expect(body).toMatchObject({ boardId: f.boardId, versionId: f.versionId }),
  },
  {
    method: 'GET',
    path: (f) => `/api/boards/${f.boardId}/versions/${f.versionId}/diff?against=live`,
    capability: 'board:read',
    success: 200,
    checkBody: (body) => expect(body).toEqual({ added: [], removed: [], changed: [] }),
  },
  {
    method: 'GET',
    path: (f) => `/api/boards/${f.boardId}/versions/${f.versionId}/board`,
    capability: 'board:read',
    success: 200,
    checkBody: (body, f) =>
      expect(body.records.map((record: { id: string }) => record.id)).toContain(f.cardId),
  },
  {
    method: 'POST',
    path: (f) => `/api/boards/${f.boardId}/finish`,
    body: { name: 'After the workshop' },
    capability: 'board:finish',
    success: 201,
    checkBody: (body, f) =>
      expect(body.backlog).toMatchObject({ boardId: f.boardId, versionId: body.versionId }),
    tookEffect: async (f) =>
      (await api(port, `/api/boards/${f.boardId}/versions`, { cookie: creator.cookie })).body.versions
        .length === 2,
  },
  {
    method: 'PUT',
    path: (f) => `/api/boards/${f.boardId}/votes/${f.cardId}`,
    body: { dots: 2 },
    capability: 'board:vote',
    success: 200,
    checkBody: (body, f) => expect(body).toEqual({ cardId: f.cardId, dots: 2, left: 3 }),
    tookEffect: async (f) =>
      (await api(port, `/api/boards/${f.boardId}/backlog`, { cookie: creator.cookie })).body.items[0]
        .votes === 2,
  },
  {
    method: 'GET',
    path: (f) => `/api/boards/${f.boardId}`,
    capability: 'board:read',
    success: 200,
    checkBody: (body, f, role) => {
      expect(body).toMatchObject({ id: f.boardId, title: 'Table board', role, voteBudget: 5 })
    },
  },
  {
    method: 'PATCH',
    path: (f) => `/api/boards/${f.boardId}`,
    body: { title: 'Renamed' },
    capability: 'board:configure',
    success: 200,
    checkBody: (body, f, role) => expect(body).toMatchObject({ id: f.boardId, title: 'Renamed', role }),
    tookEffect: async (f) => (await ownerView.board(f)).body.title === 'Renamed',
  },
  {
    method: 'DELETE',
    path: (f) => `/api/boards/${f.boardId}`,
    capability: 'board:delete',
    success: 204,
    checkBody: (body) => expect(body).toBeNull(),
    tookEffect: async (f) => (await ownerView.board(f)).status === 404,
  },
  {
    method: 'GET',
    path: (f) => `/api/boards/${f.boardId}/members`,
    capability: 'board:read',
    success: 200,
    checkBody: (body) => {
      expect(body.members).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ userId: creator.id, role: 'owner', name: 'Olive' }),
          expect.objectContaining({ userId: target.id, role: 'viewer', name: 'Tara' }),
        ]),
      )
    },
  },
  {
    method: 'PATCH',
    path: (f) => `/api/boards/${f.boardId}/members/${f.targetId}`,
    body: { role: 'voter' },
    capability: 'members:manage',
    success: 200,
    checkBody: (body, f) => expect(body).toEqual({ userId: f.targetId, role: 'voter' }),
    tookEffect: async (f) =>
      (await ownerView.members(f)).some((m) => m.userId === f.targetId && m.role === 'voter'),
  },
  {
    method: 'DELETE',
    path: (f) => `/api/boards/${f.boardId}/members/${f.targetId}`,
    capability: 'members:manage',
    success: 204,
    checkBody: (body) => expect(body).toBeNull(),
    tookEffect: async (f) => !(await ownerView.members(f)).some((m) => m.userId === f.targetId),
  },
  {
    method: 'POST',
    path: (f) => `/api/boards/${f.boardId}/invites`,
    body: { role: 'viewer' },
    capability: 'members:manage',
    success: 201,
    checkBody: (body) => {
      expect(body).toMatchObject({ token: expect.any(String), role: 'viewer', id: expect.any(String) })
      // A week by default.
      expect(Math.abs(Date.parse(body.expiresAt) - (Date.now() + 7 * 24 * 3_600_000))).toBeLessThan(60_000)
      expect(body.url).toBe(`http://localhost:${port}/join/${body.token}`)
    },
    tookEffect: async (f) => (await ownerView.invites(f)).length === f.openInvites + 1,
  },
  {
    method: 'GET',
    path: (f) => `/api/boards/${f.boardId}/invites`,
    capability: 'members:manage',
    success: 200,
    checkBody: (body, f) => {
      expect(body.invites).toHaveLength(f.openInvites)
      expect(body.invites).toContainEqual(expect.objectContaining({ id: f.inviteId, role: 'voter' }))
      // Owners see each link's URL again (derived from its id, see InviteTokens), never a bare token.
      for (const invite of body.invites) {
        expect(invite.url).toMatch(new RegExp(`^http://localhost:${port}/join/[A-Za-z0-9_-]{43}$`))
        expect(invite.token).toBeUndefined()
      }
    },
  },
  {
    method: 'DELETE',
    path: (f) => `/api/boards/${f.boardId}/invites/${f.inviteId}`,
    capability: 'members:manage',
    success: 204,
    checkBody: (body) => expect(body).toBeNull(),
    tookEffect: async (f) => !(await ownerView.invites(f)).some((invite) => invite.id === f.inviteId),
  },
]

interface Caller {
  label: string
  /** The caller's role on the board under test; null for a non-member. */
  role: Role | null
  person: () => Person | null
}

const callers: Caller[] = [
  { label: 'no session', role: null, person: () => null },
  { label: 'an outsider (member of another board only)', role: null, person: () => outsider },
  ...ROLES.map(
    (role): Caller => ({
      label: `the ${role}`,
      role,
      person: () => (role === 'owner' ? creator : byRole[role]),
    }),
  ),
]

/** What the capability table says the caller gets. */
function expectedStatus(role: Role | null, capability: Capability, success: number): number {
  if (!role) return 404
  return can(role, capability) ? success : 403
}

describe('every board route for every caller follows the capability table', () => {
  for (const route of httpRoutes) {
    const template = route.path({
      boardId: ':id',
      cardId: ':cardId',
      versionId: ':versionId',
      inviteId: ':inviteId',
      targetId: ':userId',
      openInvites: 0,
    })
    for (const caller of callers) {
      const expected = expectedStatus(caller.role, route.capability, route.success)
      it(`${route.method} ${template} as ${caller.label} → ${expected}`, async () => {
        const person = caller.person()
        const f = await freshBoard(person, caller.role)
        const response = await api(port, route.path(f), {
          method: route.method,
          body: route.body,
          cookie: person?.cookie,
        })
        expect(response.status).toBe(expected)
        if (expected === 404) expectError(response, 'not_found')
        if (expected === 403) expectError(response, 'forbidden')
        if (expected === route.success) route.checkBody?.(response.body, f, caller.role as Role)
        if (route.tookEffect) expect(await route.tookEffect(f)).toBe(expected === route.success)
      })
    }
  }

  for (const caller of callers) {
    const expected = expectedStatus(caller.role, 'board:read', 101)
    it(`WebSocket GET /sync/:id as ${caller.label} → ${expected === 101 ? 'opens' : `refused with ${expected}`}`, async () => {
      const person = caller.person()
      const f = await freshBoard(person, caller.role)
      const { socket, opened } = openRawSocket(port, f.boardId, { cookie: person?.cookie })
      socket.on('error', () => {})
      try {
        if (expected === 101) {
          await expect(opened).resolves.toBe(socket)
        } else {
          await expect(opened).rejects.toThrow(`refused with ${expected}`)
        }
      } finally {
        socket.terminate()
      }
    })
  }
})

describe('listing and creating boards', () => {
  it('GET /api/boards lists only the caller’s boards, newest first, each with the caller’s role', async () => {
    const ann = await signUp(port, 'Ann')
    const ben = await signUp(port, 'Ben')
    const first = await createBoard(port, ann.cookie, 'First')
    await pause(5)
    const second = await createBoard(port, ann.cookie, 'Second')
    await pause(5)
    const bensOwn = await createBoard(port, ben.cookie, 'Ben only')
    await pause(5)
    const shared = await createBoard(port, ben.cookie, 'Shared')
    await addMember(port, ben.cookie, shared, ann.cookie, 'voter')

    const response = await api(port, '/api/boards', { cookie: ann.cookie })
    expect(response.status).toBe(200)
    const boards = response.body.boards as { id: string; title: string; role: Role }[]
    expect(boards.map((b) => [b.id, b.title, b.role])).toEqual([
      [shared, 'Shared', 'voter'],
      [second, 'Second', 'owner'],
      [first, 'First', 'owner'],
    ])
    expect(boards.map((b) => b.id)).not.toContain(bensOwn)
  })

  it('GET /api/boards without a session → 401', async () => {
    const response = await api(port, '/api/boards')
    expect(response.status).toBe(401)
    expectError(response, 'unauthenticated')
  })

  it('POST /api/boards without a session → 401 and creates nothing', async () => {
    const before = await running.store.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM boards')
    const response = await api(port, '/api/boards', { method: 'POST', body: { title: 'Nope' } })
    expect(response.status).toBe(401)
    expectError(response, 'unauthenticated')
    const after = await running.store.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM boards')
    expect(Number(after?.n)).toBe(Number(before?.n))
  })

  it('POST /api/boards answers 201 with the board and role owner', async () => {
    const response = await api(port, '/api/boards', {
      method: 'POST',
      body: { title: '  Kick-off  ' },
      cookie: creator.cookie,
    })
    expect(response.status).toBe(201)
    expect(response.body).toMatchObject({
      id: expect.any(String),
      title: 'Kick-off',
      role: 'owner',
      voteBudget: 5,
    })
    const read = await api(port, `/api/boards/${response.body.id}`, { cookie: creator.cookie })
    expect(read.body).toMatchObject({ id: response.body.id, title: 'Kick-off', role: 'owner' })
  })
})

describe('members', () => {
  it('the last owner cannot demote themself (409 last_owner)', async () => {
    const boardId = await createBoard(port, creator.cookie)
    const response = await api(port, `/api/boards/${boardId}/members/${creator.id}`, {
      method: 'PATCH',
      body: { role: 'editor' },
      cookie: creator.cookie,
    })
    expect(response.status).toBe(409)
    expectError(response, 'last_owner')
    expect((await api(port, `/api/boards/${boardId}`, { cookie: creator.cookie })).body.role).toBe('owner')
  })

  it('the last owner cannot remove themself (409 last_owner)', async () => {
    const boardId = await createBoard(port, creator.cookie)
    const response = await api(port, `/api/boards/${boardId}/members/${creator.id}`, {
      method: 'DELETE',
      cookie: creator.cookie,
    })
    expect(response.status).toBe(409)
    expectError(response, 'last_owner')
    expect((await api(port, `/api/boards/${boardId}`, { cookie: creator.cookie })).status).toBe(200)
  })

  it('with a second owner, the first may step down', async () => {
    const boardId = await createBoard(port, creator.cookie)
    await addMember(port, creator.cookie, boardId, target.cookie, 'editor')
    const promote = await api(port, `/api/boards/${boardId}/members/${target.id}`, {
      method: 'PATCH',
      body: { role: 'owner' },
      cookie: creator.cookie,
    })
    expect(promote.status).toBe(200)
    const stepDown = await api(port, `/api/boards/${boardId}/members/${creator.id}`, {
      method: 'PATCH',
      body: { role: 'viewer' },
      cookie: creator.cookie,
    })
    expect(stepDown.status).toBe(200)
    expect((await api(port, `/api/boards/${boardId}`, { cookie: creator.cookie })).body.role).toBe('viewer')
    const lastOwner = await api(port, `/api/boards/${boardId}/members/${target.id}`, {
      method: 'DELETE',
      cookie: target.cookie,
    })
    expect(lastOwner.status).toBe(409)
  })

  it('a removed member gets 404 on the board, its members and its socket afterwards', async () => {
    const boardId = await createBoard(port, creator.cookie)
    await addMember(port, creator.cookie, boardId, target.cookie, 'editor')
    expect((await api(port, `/api/boards/${boardId}`, { cookie: target.cookie })).status).toBe(200)
    const removed = await api(port, `/api/boards/${boardId}/members/${target.id}`, {
      method: 'DELETE',
      cookie: creator.cookie,
    })
    expect(removed.status).toBe(204)
    const board = await api(port, `/api/boards/${boardId}`, { cookie: target.cookie })
    expect(board.status).toBe(404)
    expectError(board, 'not_found')
    expect((await api(port, `/api/boards/${boardId}/members`, { cookie: target.cookie })).status).toBe(404)
    const list = await api(port, '/api/boards', { cookie: target.cookie })
    expect(list.body.boards.map((b: { id: string }) => b.id)).not.toContain(boardId)
    const { socket, opened } = openRawSocket(port, boardId, { cookie: target.cookie })
    socket.on('error', () => {})
    await expect(opened).rejects.toThrow('refused with 404')
    socket.terminate()
  })

  it('changing or removing someone who is not a member → 404', async () => {
    const boardId = await createBoard(port, creator.cookie)
    const patch = await api(port, `/api/boards/${boardId}/members/${outsider.id}`, {
      method: 'PATCH',
      body: { role: 'viewer' },
      cookie: creator.cookie,
    })
    expect(patch.status).toBe(404)
    expectError(patch, 'not_found')
    const remove = await api(port, `/api/boards/${boardId}/members/${outsider.id}`, {
      method: 'DELETE',
      cookie: creator.cookie,
    })
    expect(remove.status).toBe(404)
    expect((await api(port, `/api/boards/${boardId}`, { cookie: outsider.cookie })).status).toBe(404)
  })

  it('a member role outside ROLES → 400', async () => {
    const boardId = await createBoard(port, creator.cookie)
    await addMember(port, creator.cookie, boardId, target.cookie, 'viewer')
    const response = await api(port, `/api/boards/${boardId}/members/${target.id}`, {
      method: 'PATCH',
      body: { role: 'admin' },
      cookie: creator.cookie,
    })
    expect(response.status).toBe(400)
    expectError(response, 'invalid_body')
  })
})

describe('member emails', () => {
  it('owners see members’ emails; every other role sees names and roles only', async () => {
    const { boardId } = await freshBoard(byRole.viewer, 'viewer')
    await addMember(port, creator.cookie, boardId, byRole.editor.cookie, 'editor')
    const asOwner = await api(port, `/api/boards/${boardId}/members`, { cookie: creator.cookie })
    expect(
      asOwner.body.members.every((member: { email: string | null }) => member.email?.includes('@')),
    ).toBe(true)
    for (const person of [byRole.viewer, byRole.editor]) {
      const seen = await api(port, `/api/boards/${boardId}/members`, { cookie: person.cookie })
      expect(seen.status).toBe(200)
      expect(seen.body.members.map((member: { email: string | null }) => member.email)).toEqual(
        asOwner.body.members.map(() => null),
      )
      expect(seen.body.members.map((member: { name: string }) => member.name)).toEqual(
        asOwner.body.members.map((member: { name: string }) => member.name),
      )
    }
  })
})

describe('invites', () => {
  async function invite(boardId: string, role: string, cookie = creator.cookie) {
    const response = await api(port, `/api/boards/${boardId}/invites`, {
      method: 'POST',
      body: { role },
      cookie,
    })
    expect(response.status).toBe(201)
    return response.body as { token: string; id: string; url: string; role: string }
  }

  it('accepting a link while signed in adds the membership with the link’s role', async () => {
    const boardId = await createBoard(port, creator.cookie, 'Invited')
    const { token } = await invite(boardId, 'editor')
    const joiner = await signUp(port, 'Jo')
    const accepted = await api(port, `/api/invites/${token}/accept`, {
      method: 'POST',
      body: {},
      cookie: joiner.cookie,
    })
    expect(accepted.status).toBe(200)
    expect(accepted.body).toEqual({ boardId, role: 'editor' })
    expect(accepted.setCookie).toBeUndefined()
    const board = await api(port, `/api/boards/${boardId}`, { cookie: joiner.cookie })
    expect(board.status).toBe(200)
    expect(board.body.role).toBe('editor')
    const members = await api(port, `/api/boards/${boardId}/members`, { cookie: creator.cookie })
    expect(members.body.members).toContainEqual(
      expect.objectContaining({ userId: joiner.id, role: 'editor' }),
    )
  })

  it('accepting a weaker link never lowers an existing stronger role', async () => {
    const boardId = await createBoard(port, creator.cookie)
    await addMember(port, creator.cookie, boardId, target.cookie, 'editor')
    const { token } = await invite(boardId, 'viewer')
    const accepted = await api(port, `/api/invites/${token}/accept`, {
      method: 'POST',
      body: {},
      cookie: target.cookie,
    })
    expect(accepted.status).toBe(200)
    expect(accepted.body).toEqual({ boardId, role: 'editor' })
    expect((await api(port, `/api/boards/${boardId}`, { cookie: target.cookie })).body.role).toBe('editor')
    const byOwner = await api(port, `/api/invites/${token}/accept`, {
      method: 'POST',
      body: {},
      cookie: creator.cookie,
    })
    expect(byOwner.body).toEqual({ boardId, role: 'owner' })
    expect((await api(port, `/api/boards/${boardId}`, { cookie: creator.cookie })).body.role).toBe('owner')
  })

  it('accepting a stronger link raises a weaker role', async () => {
    const boardId = await createBoard(port, creator.cookie)
    await addMember(port, creator.cookie, boardId, target.cookie, 'viewer')
    const { token } = await invite(boardId, 'editor')
    const accepted = await api(port, `/api/invites/${token}/accept`, {
      method: 'POST',
      body: {},
      cookie: target.cookie,
    })
    expect(accepted.body).toEqual({ boardId, role: 'editor' })
    expect((await api(port, `/api/boards/${boardId}`, { cookie: target.cookie })).body.role).toBe('editor')
  })

  it('accepting without a session and with a name makes a guest who can read the board', async () => {
    const boardId = await createBoard(port, creator.cookie, 'Guest board')
    const { token } = await invite(boardId, 'voter')
    const accepted = await api(port, `/api/invites/${token}/accept`, {
      method: 'POST',
      body: { name: ' Gail ' },
    })
    expect(accepted.status).toBe(200)
    expect(accepted.body).toEqual({ boardId, role: 'voter' })
    expect(accepted.setCookie).toMatch(/^refinery_session=[^;]+$/)
    const me = await api(port, '/api/me', { cookie: accepted.setCookie })
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ name: 'Gail', isGuest: true, email: null })
    const board = await api(port, `/api/boards/${boardId}`, { cookie: accepted.setCookie })
    expect(board.status).toBe(200)
    expect(board.body).toMatchObject({ id: boardId, title: 'Guest board', role: 'voter' })
  })

  it('accepting without a session and without a name → 400, no guest made', async () => {
    const boardId = await createBoard(port, creator.cookie)
    const { token } = await invite(boardId, 'viewer')
    const before = await running.store.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM users')
    const accepted = await api(port, `/api/invites/${token}/accept`, { method: 'POST', body: {} })
    expect(accepted.status).toBe(400)
    expectError(accepted, 'invalid_body')
    expect(accepted.setCookie).toBeUndefined()
    const after = await running.store.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM users')
    expect(Number(after?.n)).toBe(Number(before?.n))
  })

  it('a revoked invite → 410 invite_revoked, to look up and to accept', async () => {
    const boardId = await createBoard(port, creator.cookie)
    const { token, id } = await invite(boardId, 'editor')
    const revoked = await api(port, `/api/boards/${boardId}/invites/${id}`, {
      method: 'DELETE',
      cookie: creator.cookie,
    })
    expect(revoked.status).toBe(204)
    const lookUp = await api(port, `/api/invites/${token}`)
    expect(lookUp.status).toBe(410)
    expectError(lookUp, 'invite_revoked')
    const accepted = await api(port, `/api/invites/${token}/accept`, {
      method: 'POST',
      body: {},
      cookie: target.cookie,
    })
    expect(accepted.status).toBe(410)
    expectError(accepted, 'invite_revoked')
    expect((await api(port, `/api/boards/${boardId}`, { cookie: target.cookie })).status).toBe(404)
    const again = await api(port, `/api/boards/${boardId}/invites/${id}`, {
      method: 'DELETE',
      cookie: creator.cookie,
    })
    expect(again.status).toBe(404)
  })

  it('an expired invite → 410 invite_expired, to look up and to accept', async () => {
    const boardId = await createBoard(port, creator.cookie)
    const { token, id } = await invite(boardId, 'editor')
    await running.store.sql.run('UPDATE invites SET expires_at = ? WHERE id = ?', [Date.now() - 1000, id])
    const lookUp = await api(port, `/api/invites/${token}`)
    expect(lookUp.status).toBe(410)
    expectError(lookUp, 'invite_expired')
    const accepted = await api(port, `/api/invites/${token}/accept`, {
      method: 'POST',
      body: { name: 'Late' },
    })
    expect(accepted.status).toBe(410)
    expectError(accepted, 'invite_expired')
    expect(accepted.setCookie).toBeUndefined()
    const open = await api(port, `/api/boards/${boardId}/invites`, { cookie: creator.cookie })
    expect(open.body.invites).toEqual([])
  })

  it('GET /api/invites/:token shows the board title and the role', async () => {
    const boardId = await createBoard(port, creator.cookie, 'Planning day')
    const { token } = await invite(boardId, 'voter')
    const response = await api(port, `/api/invites/${token}`)
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ boardId, boardTitle: 'Planning day', role: 'voter' })
  })

  it('an unknown token → 404, to look up and to accept', async () => {
    const lookUp = await api(port, '/api/invites/not-a-real-token')
    expect(lookUp.status).toBe(404)
    expectError(lookUp, 'not_found')
    const accepted = await api(port, '/api/invites/not-a-real-token/accept', {
      method: 'POST',
      body: { name: 'X' },
    })
    expect(accepted.status).toBe(404)
    expectError(accepted, 'not_found')
  })

  it('an invite cannot hand out ownership (role owner → 400)', async () => {
    const boardId = await createBoard(port, creator.cookie)
    const response = await api(port, `/api/boards/${boardId}/invites`, {
      method: 'POST',
      body: { role: 'owner' },
      cookie: creator.cookie,
    })
    expect(response.status).toBe(400)
    expectError(response, 'invalid_body')
  })

  async function openLinks(boardId: string) {
    const response = await api(port, `/api/boards/${boardId}/invites`, { cookie: creator.cookie })
    expect(response.status).toBe(200)
    return response.body.invites as { id: string; role: string; url: string | null; expiresAt: string }[]
  }

  /** Accepts a link as someone who just signed up; the answer's body. */
  async function acceptAsNewcomer(token: string) {
    const joiner = await signUp(port, 'Newcomer')
    return (
      await api(port, `/api/invites/${token}/accept`, { method: 'POST', body: {}, cookie: joiner.cookie })
    ).body
  }

  it('the list shows every open link with its URL, the same URL each time, and listing makes none', async () => {
    const boardId = await createBoard(port, creator.cookie, 'Listed')
    const editor = await invite(boardId, 'editor')
    const viewer = await invite(boardId, 'viewer')
    const listed = await openLinks(boardId)
    expect(listed).toEqual([
      expect.objectContaining({ id: viewer.id, role: 'viewer', url: viewer.url }),
      expect.objectContaining({ id: editor.id, role: 'editor', url: editor.url }),
    ])
    expect(await openLinks(boardId)).toEqual(listed)
    // The database keeps no usable token: only each one's hash.
    const rows = await running.store.sql.all<{ token_hash: string }>(
      'SELECT token_hash FROM invites WHERE board_id = ?',
      [boardId],
    )
    expect(rows.map((row) => row.token_hash).sort()).toEqual(
      [sha256Hex(editor.token), sha256Hex(viewer.token)].sort(),
    )
    // A listed URL works.
    const token = new URL(listed[1]?.url ?? '').pathname.split('/').pop() ?? ''
    expect(await acceptAsNewcomer(token)).toEqual({ boardId, role: 'editor' })
  })

  it('a link made before tokens were derived still works, and is listed without a URL', async () => {
    const boardId = await createBoard(port, creator.cookie, 'Old links')
    // What createInvite stored before: the SHA-256 of a random token.
    const token = randomToken(24)
    await running.store.sql.run(
      'INSERT INTO invites (id, token_hash, board_id, role, created_by, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ['i_older', sha256Hex(token), boardId, 'voter', creator.id, Date.now() + 3_600_000, Date.now()],
    )
    expect(await openLinks(boardId)).toEqual([
      expect.objectContaining({ id: 'i_older', role: 'voter', url: null }),
    ])
    expect(await acceptAsNewcomer(token)).toEqual({ boardId, role: 'voter' })
    const revoked = await api(port, `/api/boards/${boardId}/invites/i_older`, {
      method: 'DELETE',
      cookie: creator.cookie,
    })
    expect(revoked.status).toBe(204)
    expect((await api(port, `/api/invites/${token}`)).status).toBe(410)
  })

  it('a revoked link leaves the list and its listed URL stops working', async () => {
    const boardId = await createBoard(port, creator.cookie, 'Revoking')
    const kept = await invite(boardId, 'voter')
    const gone = await invite(boardId, 'editor')
    const revoked = await api(port, `/api/boards/${boardId}/invites/${gone.id}`, {
      method: 'DELETE',
      cookie: creator.cookie,
    })
    expect(revoked.status).toBe(204)
    expect((await openLinks(boardId)).map((link) => link.id)).toEqual([kept.id])
    const accepted = await api(port, `/api/invites/${gone.token}/accept`, {
      method: 'POST',
      body: { name: 'Late' },
    })
    expect(accepted.status).toBe(410)
    expectError(accepted, 'invite_revoked')
  })

  it('an owner cannot revoke another board’s invite through their own board (404, invite still works)', async () => {
    const mine = await createBoard(port, creator.cookie)
    const theirs = await createBoard(port, outsider.cookie, 'Theirs')
    const { token, id } = await invite(theirs, 'viewer', outsider.cookie)
    const response = await api(port, `/api/boards/${mine}/invites/${id}`, {
      method: 'DELETE',
      cookie: creator.cookie,
    })
    expect(response.status).toBe(404)
    expect((await api(port, `/api/invites/${token}`)).status).toBe(200)
  })
})

describe('guest sign-ins through an invite link', () => {
  // Documentation addresses (RFC 5737), as a trusted proxy would forward them.
  const OFFICE = '192.0.2.10'
  const ELSEWHERE = '198.51.100.20'

  /** A server behind a trusted proxy with the given guest limits, an owner and one invite link. */
  async function workshop(byAddress: number, byInvite: number) {
    const server = await ownServer({
      trustProxy: true,
      guestRateLimit: {
        byAddress: { limit: byAddress, windowMs: 60_000 },
        byInvite: { limit: byInvite, windowMs: 60_000 },
      },
    })
    const owner = await signUp(server.port, 'Olga')
    const boardId = await createBoard(server.port, owner.cookie, 'Workshop')
    const newInvite = async () => {
      const response = await api(server.port, `/api/boards/${boardId}/invites`, {
        method: 'POST',
        body: { role: 'voter' },
        cookie: owner.cookie,
      })
      return response.body.token as string
    }
    const accept = (token: string, from: string, cookie?: string) =>
      api(server.port, `/api/invites/${token}/accept`, {
        method: 'POST',
        body: cookie ? {} : { name: 'Guest' },
        cookie,
        headers: { 'x-forwarded-for': from },
      })
    const guests = async () =>
      Number((await server.store.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM users WHERE is_guest'))?.n)
    return { server, boardId, token: await newInvite(), newInvite, accept, guests }
  }

  it('past the per-address limit → 429 rate_limited with Retry-After, and no guest made', async () => {
    const { server, token, newInvite, accept, guests } = await workshop(3, 1000)
    for (let guest = 1; guest <= 3; guest++) {
      expect((await accept(token, OFFICE)).status, `guest ${guest}`).toBe(200)
    }
    const fourth = await accept(token, OFFICE)
    expect(fourth.status).toBe(429)
    expectError(fourth, 'rate_limited')
    expect(fourth.setCookie).toBeUndefined()
    expect(await guests()).toBe(3)
    const raw = await fetch(`http://localhost:${server.port}/api/invites/${token}/accept`, {
      method: 'POST',
      headers: {
        origin: `http://localhost:${server.port}`,
        'content-type': 'application/json',
        'x-forwarded-for': OFFICE,
      },
      body: JSON.stringify({ name: 'Guest' }),
    })
    expect(raw.status).toBe(429)
    expect(raw.headers.get('retry-after')).toMatch(/^[1-9]\d*$/)
    // The address is held back on every link; other addresses are not.
    expect((await accept(await newInvite(), OFFICE)).status).toBe(429)
    expect((await accept(token, ELSEWHERE)).status).toBe(200)
  })

  it('past the per-invite limit → 429 from any address, while other links still work', async () => {
    const { token, newInvite, accept, guests } = await workshop(1000, 3)
    for (let guest = 1; guest <= 3; guest++) {
      expect((await accept(token, `203.0.113.${guest}`)).status, `guest ${guest}`).toBe(200)
    }
    const fourth = await accept(token, '203.0.113.4')
    expect(fourth.status).toBe(429)
    expectError(fourth, 'rate_limited')
    expect(fourth.setCookie).toBeUndefined()
    expect(await guests()).toBe(3)
    expect((await accept(await newInvite(), '203.0.113.4')).status).toBe(200)
  })

  it('a signed-in person accepting is neither held back nor counted against the guest limits', async () => {
    const { server, boardId, token, accept } = await workshop(1, 1)
    const members = [await signUp(server.port, 'Mia'), await signUp(server.port, 'Max')]
    for (const member of members) {
      const accepted = await accept(token, OFFICE, member.cookie)
      expect(accepted.status).toBe(200)
      expect(accepted.body).toEqual({ boardId, role: 'voter' })
    }
    const guest = await accept(token, OFFICE)
    expect(guest.status).toBe(200)
    expect((await accept(token, OFFICE)).status).toBe(429)
    const late = await signUp(server.port, 'Lou')
    expect((await accept(token, OFFICE, late.cookie)).status).toBe(200)
    expect((await accept(token, OFFICE, guest.setCookie)).status).toBe(200)
  })

  it('with the default limits, a room of 40 behind one address joins one link at once', async () => {
    const server = await ownServer({ trustProxy: true })
    const owner = await signUp(server.port, 'Olga')
    const boardId = await createBoard(server.port, owner.cookie, 'Big room')
    const invite = await api(server.port, `/api/boards/${boardId}/invites`, {
      method: 'POST',
      body: { role: 'editor' },
      cookie: owner.cookie,
    })
    const joins = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api(server.port, `/api/invites/${invite.body.token}/accept`, {
          method: 'POST',
          body: { name: `Person ${i + 1}` },
          headers: { 'x-forwarded-for': OFFICE },
        }),
      ),
    )
    expect(joins.map((join) => join.status)).toEqual(Array(40).fill(200))
  })
})

describe('request validation', () => {
  it('PATCH /api/boards/:id with an empty body {} → 400 invalid_body', async () => {
    const boardId = await createBoard(port, creator.cookie, 'Unchanged')
    const response = await api(port, `/api/boards/${boardId}`, {
      method: 'PATCH',
      body: {},
      cookie: creator.cookie,
    })
    expect(response.status).toBe(400)
    expectError(response, 'invalid_body')
    expect((await api(port, `/api/boards/${boardId}`, { cookie: creator.cookie })).body.title).toBe(
      'Unchanged',
    )
  })

  it('a body that is not JSON → 400 with the error shape, never 500', async () => {
    const boardId = await createBoard(port, creator.cookie)
    for (const path of [`/api/boards/${boardId}`, '/api/boards']) {
      const response = await api(port, path, {
        method: path === '/api/boards' ? 'POST' : 'PATCH',
        raw: '{nope',
        cookie: creator.cookie,
      })
      expect(response.status).toBe(400)
      expect(response.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } })
    }
  })

  it('a JSON body that is not an object → 400', async () => {
    const boardId = await createBoard(port, creator.cookie)
    for (const raw of ['null', '[]', '"title"', '42']) {
      const response = await api(port, `/api/boards/${boardId}`, {
        method: 'PATCH',
        raw,
        cookie: creator.cookie,
      })
      expect(response.status, raw).toBe(400)
      expect(response.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } })
    }
  })

  it('a body over 64 KiB → 413 body_too_large', async () => {
    const boardId = await createBoard(port, creator.cookie, 'Small')
    const raw = JSON.stringify({ title: 'x'.repeat(64 * 1024 + 1) })
    const response = await api(port, `/api/boards/${boardId}`, {
      method: 'PATCH',
      raw,
      cookie: creator.cookie,
    })
    expect(response.status).toBe(413)
    expectError(response, 'body_too_large')
    expect((await api(port, `/api/boards/${boardId}`, { cookie: creator.cookie })).body.title).toBe('Small')
  })

  it('a streamed body over 64 KiB with no Content-Length → 413 body_too_large', async () => {
    const boardId = await createBoard(port, creator.cookie, 'Small')
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024))
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"title":"'))
        if (sent >= 5) {
          controller.enqueue(new TextEncoder().encode('"}'))
          controller.close()
          return
        }
        controller.enqueue(chunk)
        sent++
      },
    })
    const response = await fetch(`http://localhost:${port}/api/boards/${boardId}`, {
      method: 'PATCH',
      headers: {
        'content-type': 'application/json',
        cookie: creator.cookie,
        origin: `http://localhost:${port}`,
      },
      body,
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual({ error: { code: 'body_too_large', message: expect.any(String) } })
    expect((await api(port, `/api/boards/${boardId}`, { cookie: creator.cookie })).body.title).toBe('Small')
  })

  it('a non-GET with a foreign Origin → 403 forbidden_origin, and nothing changes', async () => {
    const boardId = await createBoard(port, creator.cookie, 'Guarded')
    const response = await api(port, `/api/boards/${boardId}`, {
      method: 'PATCH',
      body: { title: 'Hijacked' },
      cookie: creator.cookie,
      origin: 'http://evil.example',
    })
    expect(response.status).toBe(403)
    expectError(response, 'forbidden_origin')
    const remove = await api(port, `/api/boards/${boardId}`, {
      method: 'DELETE',
      cookie: creator.cookie,
      origin: 'http://evil.example',
    })
    expect(remove.status).toBe(403)
    expectError(remove, 'forbidden_origin')
    const board = await api(port, `/api/boards/${boardId}`, {
      cookie: creator.cookie,
      origin: 'http://evil.example',
    })
    expect(board.status).toBe(200)
    expect(board.body.title).toBe('Guarded')
  })

  it('a non-GET with no Origin header at all is allowed (curl)', async () => {
    const boardId = await createBoard(port, creator.cookie)
    const response = await api(port, `/api/boards/${boardId}`, {
      method: 'PATCH',
      body: { title: 'From curl' },
      cookie: creator.cookie,
      origin: null,
    })
    expect(response.status).toBe(200)
    expect(response.body.title).toBe('From curl')
  })

  it('the socket refuses a foreign Origin and a missing Origin with 403, even for the owner', async () => {
    const boardId = await createBoard(port, creator.cookie)
    for (const origin of ['http://evil.example', null]) {
      const { socket, opened } = openRawSocket(port, boardId, { cookie: creator.cookie, origin })
      socket.on('error', () => {})
      await expect(opened).rejects.toThrow('refused with 403')
      socket.terminate()
    }
  })

  it('a deployment with an https PUBLIC_URL refuses its http origin for writes', async () => {
    const server = await ownServer({
      publicUrl: 'https://refinery.example.com',
      allowedOrigins: ['https://refinery.example.com'],
    })
    const owner = await api(server.port, '/api/auth/signup', {
      method: 'POST',
      body: { email: `owner.${Date.now()}@example.com`, password: 'correct horse battery', name: 'Owner' },
      origin: 'https://refinery.example.com',
    })
    expect(owner.status).toBe(201)
    const created = await api(server.port, '/api/boards', {
      method: 'POST',
      body: { title: 'Https' },
      cookie: owner.setCookie,
    })
    expect(created.status).toBe(403)
    expectError(created, 'forbidden_origin')
  })
})
