import { ROLES, type Role, summonOf } from '@refinery/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMember, api, createBoard, signUp, startTestServer } from '../../test/helpers'
import type { RunningServer } from '../server'

type Person = Awaited<ReturnType<typeof signUp>>

let running: RunningServer
let port: number
let owner: Person
let outsider: Person
const byRole = {} as Record<Exclude<Role, 'owner'>, Person>

beforeAll(async () => {
  running = await startTestServer()
  port = running.port
  owner = await signUp(port, 'Olive')
  byRole.editor = await signUp(port, 'Edith')
  byRole.voter = await signUp(port, 'Victor')
  byRole.viewer = await signUp(port, 'Vivian')
  outsider = await signUp(port, 'Oscar')
})

afterAll(async () => {
  await running?.close()
})

async function boardWithEveryRole(): Promise<string> {
  const boardId = await createBoard(port, owner.cookie, 'Summons')
  for (const role of ['editor', 'voter', 'viewer'] as const) {
    await addMember(port, owner.cookie, boardId, byRole[role].cookie, role)
  }
  return boardId
}

const summonOn = (boardId: string) => running.sync.read(boardId, summonOf)

describe('POST /api/boards/:id/summon', () => {
  const callers: [string, () => Person | null, number][] = [
    ['no session', () => null, 404],
    ['an outsider', () => outsider, 404],
    ...ROLES.map((role): [string, () => Person | null, number] => [
      `the ${role}`,
      () => (role === 'owner' ? owner : byRole[role]),
      // Owners and editors lead the room; voters and viewers cannot move anyone's view.
      role === 'owner' || role === 'editor' ? 200 : 403,
    ]),
  ]
  for (const [label, person, expected] of callers) {
    it(`as ${label} → ${expected}${expected === 200 ? ', and the board holds their summon' : ', and nothing is written'}`, async () => {
      const boardId = await boardWithEveryRole()
      const caller = person()
      const response = await api(port, `/api/boards/${boardId}/summon`, {
        method: 'POST',
        body: {},
        cookie: caller?.cookie,
      })
      expect(response.status).toBe(expected)
      if (expected !== 200) {
        expect(response.body.error.code).toBe(expected === 404 ? 'not_found' : 'forbidden')
        expect(await summonOn(boardId)).toBeNull()
        return
      }
      const summon = await summonOn(boardId)
      expect(summon).toEqual({
        id: expect.any(String),
        by: caller?.id,
        byName: caller?.name,
        at: expect.any(Number),
      })
      expect(Math.abs((summon?.at ?? 0) - Date.now())).toBeLessThan(10_000)
      expect(response.body).toEqual({ summon })
    })
  }

  it('each summon is a new one, so clients that were there follow again', async () => {
    const boardId = await boardWithEveryRole()
    const ids = new Set<string>()
    for (const person of [owner, byRole.editor, owner]) {
      const response = await api(port, `/api/boards/${boardId}/summon`, {
        method: 'POST',
        body: {},
        cookie: person.cookie,
      })
      expect(response.status).toBe(200)
      expect((await summonOn(boardId))?.id).toBe(response.body.summon.id)
      ids.add(response.body.summon.id)
    }
    expect(ids.size).toBe(3)
    expect((await summonOn(boardId))?.by).toBe(owner.id)
  })
})
