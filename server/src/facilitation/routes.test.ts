import { type BoardTimer, timerOf } from '@refinery/shared'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  api,
  cleanupAfterEach,
  connectClient,
  membersOfEveryRole,
  restartableServer,
  serverDataEngines,
  twoInstances,
  waitFor,
  waitForSync,
} from '../../test/helpers'
import { extendTimer, startTimer } from './timer'

const cleanup = cleanupAfterEach()
const engines = serverDataEngines(cleanup)
const timerPath = (boardId: string) => `/api/boards/${boardId}/timer`

describe.each(engines)('the shared timer on %s', (_engine, storage) => {
  /** A server on this engine, its board with a member of every role, and what they can do. */
  async function workshop() {
    const { running, restart } = await restartableServer(await storage(), cleanup)
    const port = running.port
    const { boardId, people, outsider } = await membersOfEveryRole(port)
    const post = (cookie: string, body: unknown) =>
      api(port, timerPath(boardId), { method: 'POST', body, cookie })
    const stop = (cookie: string) => api(port, timerPath(boardId), { method: 'DELETE', cookie })
    return { running, port, boardId, people, outsider, post, stop, restart }
  }

  it('an editor starts it: the server writes it into the document and every client gets it', async () => {
    const { port, boardId, people, post } = await workshop()
    const client = connectClient(port, boardId, { cookie: people.voter.cookie })
    cleanup(() => client.destroy())
    await waitForSync(client)

    const before = Date.now()
    const started = await post(people.editor.cookie, { seconds: 60 })
    expect(started.status).toBe(200)
    const { timer, serverNow } = started.body as { timer: BoardTimer; serverNow: number }
    // The server's clock is read as it answers, just after it stored the timer.
    expect(serverNow + 60_000 - timer.endsAt).toBeGreaterThanOrEqual(0)
    expect(serverNow + 60_000 - timer.endsAt).toBeLessThan(1000)
    expect(timer).toEqual({
      endsAt: expect.any(Number),
      startedBy: people.editor.id,
      startedByName: 'editor',
      seconds: 60,
    })
    expect(serverNow).toBeGreaterThanOrEqual(before)
    expect(serverNow).toBeLessThanOrEqual(Date.now())
    await waitFor(() => timerOf(client.doc)?.endsAt === timer.endsAt, {
      message: 'the timer to reach the voter',
    })
  })

  it('owners and editors start, extend and stop it; voters and viewers get 403, others 404', async () => {
    const { port, boardId, people, outsider, post, stop } = await workshop()
    for (const role of ['owner', 'editor'] as const) {
      expect((await post(people[role].cookie, { seconds: 180 })).status, role).toBe(200)
      expect((await post(people[role].cookie, { extendBy: 60 })).status, role).toBe(200)
      expect((await stop(people[role].cookie)).body, role).toEqual({
        timer: null,
        serverNow: expect.any(Number),
      })
    }
    for (const role of ['voter', 'viewer'] as const) {
      const refused = await post(people[role].cookie, { seconds: 60 })
      expect(refused.status, role).toBe(403)
      expect(refused.body.error.code, role).toBe('forbidden')
      expect((await stop(people[role].cookie)).status, role).toBe(403)
    }
    expect((await post(outsider.cookie, { seconds: 60 })).status).toBe(404)
    expect((await stop(outsider.cookie)).status).toBe(404)
    expect((await api(port, timerPath(boardId), { cookie: outsider.cookie })).status).toBe(404)
    expect((await post('', { seconds: 60 })).status).toBe(404)
  })

  it('every member reads it with the server’s clock; stopping removes it for everyone', async () => {
    const { port, boardId, people, post, stop } = await workshop()
    const read = (cookie: string) => api(port, timerPath(boardId), { cookie })
    expect((await read(people.viewer.cookie)).body).toEqual({ timer: null, serverNow: expect.any(Number) })
    const { timer } = (await post(people.owner.cookie, { seconds: 300 })).body
    for (const role of ['owner', 'editor', 'voter', 'viewer'] as const) {
      const answer = await read(people[role].cookie)
      expect(answer.status, role).toBe(200)
      expect(answer.body.timer, role).toEqual(timer)
    }
    const client = connectClient(port, boardId, { cookie: people.viewer.cookie })
    cleanup(() => client.destroy())
    await waitFor(() => timerOf(client.doc) !== null, { message: 'the timer to reach the viewer' })
    expect((await stop(people.editor.cookie)).status).toBe(200)
    await waitFor(() => timerOf(client.doc) === null, { message: 'the stop to reach the viewer' })
    expect((await read(people.voter.cookie)).body.timer).toBeNull()
    // Stopping no timer is no error.
    expect((await stop(people.editor.cookie)).status).toBe(200)
  })

  it('400 for seconds that are not a whole number in 1..7200, or a malformed body', async () => {
    const { port, boardId, people, post } = await workshop()
    for (const body of [
      { seconds: 0 },
      { seconds: -5 },
      { seconds: 7201 },
      { seconds: 1.5 },
      { seconds: '60' },
      { seconds: null },
      {},
      { seconds: 60, extendBy: 60 },
      { extendBy: 0 },
      [60],
    ]) {
      const refused = await post(people.editor.cookie, body)
      expect(refused.status, JSON.stringify(body)).toBe(400)
      expect(refused.body.error.code, JSON.stringify(body)).toBe('invalid_body')
    }
    const malformed = await api(port, timerPath(boardId), {
      method: 'POST',
      raw: '{"seconds": ',
      cookie: people.editor.cookie,
    })
    expect(malformed.status).toBe(400)
    expect(malformed.body.error).toEqual({ code: expect.any(String), message: expect.any(String) })
    expect((await post(people.editor.cookie, { seconds: 1 })).status).toBe(200)
    expect((await post(people.editor.cookie, { seconds: 7200 })).status).toBe(200)
  })

  it('extending with no timer is a 409; extending adds to what is left', async () => {
    const { people, post } = await workshop()
    const refused = await post(people.owner.cookie, { extendBy: 60 })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('no_timer')
    const started = (await post(people.owner.cookie, { seconds: 120 })).body
    const extended = (await post(people.editor.cookie, { extendBy: 60 })).body
    expect(extended.timer.endsAt).toBeGreaterThanOrEqual(started.timer.endsAt + 59_000)
    expect(extended.timer.endsAt).toBeLessThanOrEqual(started.timer.endsAt + 61_000)
    expect(extended.timer.startedBy).toBe(people.editor.id)
  })

  it('a running timer survives a restart of the server', async () => {
    const { boardId, people, post, restart } = await workshop()
    const { timer } = (await post(people.owner.cookie, { seconds: 600 })).body
    const again = await restart()
    const read = await api(again.port, timerPath(boardId), { cookie: people.voter.cookie })
    expect(read.body.timer).toEqual(timer)
    const client = connectClient(again.port, boardId, { cookie: people.viewer.cookie })
    cleanup(() => client.destroy())
    await waitFor(() => timerOf(client.doc)?.endsAt === timer.endsAt, {
      message: 'the timer after a restart',
    })
  })
})

describe('the shared timer across instances', () => {
  it('a timer started on instance A reaches a client of instance B through Redis', async () => {
    const { a, b } = await twoInstances(cleanup)
    const {
      boardId,
      people: { owner, voter },
    } = await membersOfEveryRole(a.port)
    const onB = connectClient(b.port, boardId, { cookie: voter.cookie })
    cleanup(() => onB.destroy())
    await waitForSync(onB)

    const started = await api(a.port, timerPath(boardId), {
      method: 'POST',
      body: { seconds: 90 },
      cookie: owner.cookie,
    })
    expect(started.status).toBe(200)
    await waitFor(() => timerOf(onB.doc)?.endsAt === started.body.timer.endsAt, {
      message: 'the timer to reach instance B’s client',
    })
    const stopped = await api(b.port, timerPath(boardId), { method: 'DELETE', cookie: owner.cookie })
    expect(stopped.status).toBe(200)
    await waitFor(() => timerOf(onB.doc) === null, { message: 'the stop to reach instance B’s client' })
  })
})

describe('extendTimer', () => {
  const by = { id: 'u1', name: 'Ed' }

  it('gives a countdown that has reached zero its extra time from now', () => {
    const doc = new Y.Doc()
    startTimer(doc, 60, by, 1_000_000)
    expect(extendTimer(doc, 60, by, 1_000_000 + 300_000)).toMatchObject({
      endsAt: 1_000_000 + 360_000,
      seconds: 60,
    })
  })

  it('never leaves more than the longest countdown', () => {
    const doc = new Y.Doc()
    startTimer(doc, 7000, by, 0)
    expect(extendTimer(doc, 600, by, 0)).toMatchObject({ endsAt: 7_200_000, seconds: 7200 })
  })
})
