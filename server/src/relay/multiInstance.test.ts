import type { ChildProcess } from 'node:child_process'
import { CloseCode } from '@refinery/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addMember,
  api,
  cleanupAfterEach,
  closeWithin,
  connectClient,
  createBoard,
  databaseUrlWithSchema,
  dropSchema,
  exited,
  freshSchema,
  logIn,
  openRawSocket,
  signUp,
  spawnServer,
  TEST_REDIS_URL,
  type TestClient,
  waitFor,
  waitForSync,
} from '../../test/helpers'
import { startLoadBalancer } from '../../test/loadBalancer'
import { startRedis } from '../../test/redisServer'

/**
 * Several real server processes on one PostgreSQL and one Redis, behind a load balancer with no
 * stickiness, as the deployment section of the README runs them.
 */
const schemas: string[] = []
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema)
})

const cleanup = cleanupAfterEach()

interface Instance {
  child: ChildProcess
  port: number
}

async function cluster({ redisUrl = TEST_REDIS_URL }: { redisUrl?: string } = {}) {
  const schema = freshSchema()
  schemas.push(schema)
  const databaseUrl = await databaseUrlWithSchema(schema)
  const instances: Instance[] = []
  const balancer = await startLoadBalancer(() =>
    instances
      .filter((instance) => instance.child.exitCode === null && instance.child.signalCode === null)
      .map((i) => i.port),
  )
  cleanup(() => balancer.close())
  const origin = `http://localhost:${balancer.port}`
  const env = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, PUBLIC_URL: origin, ROOM_IDLE_MS: '60000' }
  const start = async () => {
    const instance = await spawnServer(env)
    cleanup(() => instance.child.kill('SIGKILL'))
    instances.push(instance)
    return instance
  }
  const a = await start()
  const b = await start()
  const clients: TestClient[] = []
  const connect = (port: number, boardId: string, cookie: string) => {
    const client = connectClient(port, boardId, { cookie, origin })
    clients.push(client)
    cleanup(() => client.destroy())
    return client
  }
  return { a, b, start, balancer, origin, connect, clients }
}

const cards = (client: TestClient) => client.doc.getMap<string>('records')

describe('several instances on PostgreSQL and Redis', () => {
  beforeAll(async () => {
    // Fail, never skip, when the services are not there.
    await databaseUrlWithSchema('reachability_check').then(() => dropSchema('reachability_check'))
  })

  it('a session made on one instance is valid on the other', async () => {
    const { a, b, origin } = await cluster()
    const ada = await signUp(a.port, 'Ada', origin)
    const me = await api(b.port, '/api/me', { cookie: ada.cookie, origin })
    expect(me.status).toBe(200)
    expect(me.body.name).toBe('Ada')
    const boardId = await createBoard(b.port, ada.cookie, 'Made on B', origin)
    expect((await api(a.port, `/api/boards/${boardId}`, { cookie: ada.cookie, origin })).body.title).toBe(
      'Made on B',
    )
  })

  it('edits and presence from a client of either instance reach the clients of both', async () => {
    const { a, b, origin, connect } = await cluster()
    const ada = await signUp(a.port, 'Ada', origin)
    const boardId = await createBoard(a.port, ada.cookie, 'Shared', origin)
    const onA = connect(a.port, boardId, ada.cookie)
    const onB = connect(b.port, boardId, ada.cookie)
    await Promise.all([waitForSync(onA), waitForSync(onB)])

    cards(onA).set('from-a', 'A')
    cards(onB).set('from-b', 'B')
    await waitFor(() => cards(onA).size === 2 && cards(onB).size === 2, {
      message: 'edits to cross instances',
    })

    onB.provider.awareness.setLocalState({ cursor: { x: 1, y: 2 } })
    await waitFor(() => onA.provider.awareness.getStates().has(onB.doc.clientID), {
      message: 'presence to cross',
    })
    expect(
      (onA.provider.awareness.getStates().get(onB.doc.clientID) as { user: { name: string } }).user.name,
    ).toBe('Ada')
  })

  it('logging out on one instance closes that session’s socket on the other within a second', async () => {
    const { a, b, origin, connect } = await cluster()
    const ada = await signUp(a.port, 'Ada', origin)
    const boardId = await createBoard(a.port, ada.cookie, 'Logged out', origin)
    // Her other browser, on A: its session and socket stay.
    const elsewhere = connect(a.port, boardId, await logIn(a.port, ada.email, origin))
    await waitForSync(elsewhere)
    const { socket, opened } = openRawSocket(b.port, boardId, { cookie: ada.cookie, origin })
    cleanup(() => socket.terminate())
    await opened

    const started = Date.now()
    const closed = closeWithin(socket, 2000)
    const logout = await api(a.port, '/api/auth/logout', { method: 'POST', cookie: ada.cookie, origin })
    expect(logout.status).toBe(204)
    const { code, at } = await closed
    expect(code).toBe(CloseCode.Unauthorized)
    expect((at ?? Number.POSITIVE_INFINITY) - started).toBeLessThan(1000)
    expect(elsewhere.provider.wsconnected).toBe(true)
  })

  it('a logout while Redis is down closes that session’s socket on the other instance once the relay is back', async () => {
    const redis = await startRedis()
    cleanup(() => redis.stop())
    const { a, b, origin } = await cluster({ redisUrl: redis.url })
    const ada = await signUp(a.port, 'Ada', origin)
    const boardId = await createBoard(a.port, ada.cookie, 'Through an outage', origin)
    const { socket, opened } = openRawSocket(b.port, boardId, { cookie: ada.cookie, origin })
    cleanup(() => socket.terminate())
    await opened

    await redis.stop()
    const closed = closeWithin(socket, 15_000)
    // The relay cannot carry this one: B learns of it by looking its sockets' sessions up when back.
    expect(
      (await api(a.port, '/api/auth/logout', { method: 'POST', cookie: ada.cookie, origin })).status,
    ).toBe(204)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(socket.readyState).toBe(socket.OPEN)
    const restarted = await startRedis(redis.port)
    cleanup(() => restarted.stop())
    expect((await closed).code).toBe(CloseCode.Unauthorized)
  })

  it('removing a member or lowering their role on one instance reaches their sockets on the other within a second', async () => {
    const { a, b, origin, connect } = await cluster()
    const owner = await signUp(a.port, 'Olivia', origin)
    const boardId = await createBoard(a.port, owner.cookie, 'Members', origin)
    const join = async (name: string) => {
      const person = await signUp(a.port, name, origin)
      await addMember(a.port, owner.cookie, boardId, person.cookie, 'editor', origin)
      return person
    }
    const member = (person: { id: string }) => `/api/boards/${boardId}/members/${person.id}`
    const removed = await join('Rex')
    const lowered = await join('Lou')
    const onA = connect(a.port, boardId, owner.cookie)
    const louOnB = connect(b.port, boardId, lowered.cookie)
    const { socket, opened } = openRawSocket(b.port, boardId, { cookie: removed.cookie, origin })
    cleanup(() => socket.terminate())
    await Promise.all([waitForSync(onA), waitForSync(louOnB), opened])
    cards(louOnB).set('before', 'ok')
    await waitFor(() => cards(onA).get('before') === 'ok', { message: 'the editor’s edit to cross' })

    const started = Date.now()
    const closed = closeWithin(socket, 2000)
    const removal = await api(a.port, member(removed), { method: 'DELETE', cookie: owner.cookie, origin })
    expect(removal.status).toBe(204)
    const { code, at } = await closed
    expect(code).toBe(CloseCode.NotFound)
    expect((at ?? Number.POSITIVE_INFINITY) - started).toBeLessThan(1000)

    const lowering = await api(a.port, member(lowered), {
      method: 'PATCH',
      body: { role: 'viewer' },
      cookie: owner.cookie,
      origin,
    })
    expect(lowering.status).toBe(200)
    // The contract's second, then an edit from the socket that is read-only now.
    await new Promise((resolve) => setTimeout(resolve, 1000))
    cards(louOnB).set('after', 'dropped')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(cards(onA).has('after')).toBe(false)
    const fresh = connect(a.port, boardId, owner.cookie)
    await waitForSync(fresh)
    expect(cards(fresh).has('before')).toBe(true)
    expect(cards(fresh).has('after')).toBe(false)
  })

  it('SIGTERM of one instance while people edit: they reconnect to the other and nothing is lost', async () => {
    const { a, b, balancer, origin, connect, start } = await cluster()
    const ada = await signUp(a.port, 'Ada', origin)
    const boardId = await createBoard(a.port, ada.cookie, 'Busy', origin)
    // Through the balancer: round robin spreads the four people over both instances.
    const people = [0, 1, 2, 3].map(() => connect(balancer.port, boardId, ada.cookie))
    await Promise.all(people.map(waitForSync))
    const closes: number[] = []
    for (const person of people) {
      person.provider.on('connection-close', (event: CloseEvent | null) => closes.push(event?.code ?? 0))
    }

    let stop = false
    const editing = people.map(async (person, p) => {
      for (let i = 0; !stop; i++) {
        cards(person).set(`p${p}-${i}`, 'x')
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })
    await new Promise((resolve) => setTimeout(resolve, 300))
    a.child.kill('SIGTERM')
    expect(await exited(a.child)).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 500))
    stop = true
    await Promise.all(editing)

    expect(closes).toContain(CloseCode.ServiceRestart)
    const everything = new Set(people.flatMap((person) => [...cards(person).keys()]))
    await waitFor(() => people.every((person) => cards(person).size === everything.size), {
      timeout: 15_000,
      message: 'everyone to converge on the remaining instance',
    })
    expect(b.child.exitCode).toBeNull()

    // And storage has every edit: a fresh instance serves all of it.
    const c = await start()
    const fresh = connect(c.port, boardId, ada.cookie)
    await waitFor(() => cards(fresh).size === everything.size, {
      timeout: 10_000,
      message: 'all edits from storage',
    })
  })

  it('a Redis restart: the relay comes back and the instances converge again', async () => {
    const redis = await startRedis()
    cleanup(() => redis.stop())
    const { a, b, origin, connect } = await cluster({ redisUrl: redis.url })
    const ada = await signUp(a.port, 'Ada', origin)
    const boardId = await createBoard(a.port, ada.cookie, 'Through an outage', origin)
    const onA = connect(a.port, boardId, ada.cookie)
    const onB = connect(b.port, boardId, ada.cookie)
    await Promise.all([waitForSync(onA), waitForSync(onB)])
    cards(onA).set('before', '1')
    await waitFor(() => cards(onB).get('before') === '1')

    await redis.stop()
    // Each instance keeps serving its own clients and storing what they send.
    cards(onA).set('during-a', '2')
    cards(onB).set('during-b', '3')
    await new Promise((resolve) => setTimeout(resolve, 300))

    const restarted = await startRedis(redis.port)
    cleanup(() => restarted.stop())
    await waitFor(() => cards(onB).get('during-a') === '2' && cards(onA).get('during-b') === '3', {
      timeout: 15_000,
      message: 'the instances to catch up after the outage',
    })
    cards(onB).set('after', '4')
    await waitFor(() => cards(onA).get('after') === '4', {
      timeout: 5000,
      message: 'the relay to carry edits again',
    })
    const health = await api(a.port, '/api/health', { origin })
    expect(health.body).toMatchObject({ status: 'ok', storage: 'postgres', relay: 'ok' })
  })

  it('after every instance restarts, the boards come back from PostgreSQL', async () => {
    const { a, b, origin, connect, start } = await cluster()
    const ada = await signUp(a.port, 'Ada', origin)
    const boardId = await createBoard(a.port, ada.cookie, 'Kept', origin)
    const writer = connect(a.port, boardId, ada.cookie)
    await waitForSync(writer)
    for (let i = 0; i < 100; i++) cards(writer).set(`k${i}`, `v${i}`)
    const reader = connect(b.port, boardId, ada.cookie)
    await waitFor(() => cards(reader).size === 100, { message: 'the relay' })
    for (const instance of [a, b]) {
      instance.child.kill('SIGTERM')
      await exited(instance.child)
    }
    writer.provider.disconnect()
    reader.provider.disconnect()

    const again = await start()
    const fresh = connect(again.port, boardId, ada.cookie)
    await waitFor(() => cards(fresh).size === 100, { message: 'the board from PostgreSQL' })
    const expected = new Y.Doc()
    for (let i = 0; i < 100; i++) expected.getMap('records').set(`k${i}`, `v${i}`)
    expect(cards(fresh).toJSON()).toEqual(expected.getMap('records').toJSON())
  })
})
