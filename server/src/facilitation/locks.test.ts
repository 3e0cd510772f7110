import { CloseCode, getRecords, lockedShapesOf } from '@refinery/shared'
import { cardAt, page, slice, step, writeRecords } from '@refinery/shared/testing'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  api,
  cleanupAfterEach,
  closeCode,
  connectClient,
  membersOfEveryRole,
  openRawSocket,
  restartableServer,
  serverDataEngines,
  type TestClient,
  twoInstances,
  waitFor,
  waitForSync,
} from '../../test/helpers'
import { encodeUpdate } from '../sync/messages'

const cleanup = cleanupAfterEach()
const engines = serverDataEngines(cleanup)
const locksPath = (boardId: string, rest = '') => `/api/boards/${boardId}/locks${rest}`
const BACKBONE = ['shape:mvp', 'shape:pay', 'shape:sign-up']

/** Two journey steps, a release slice and a card, written by the owner's client over a real socket. */
async function mapTheJourney(port: number, boardId: string, cookie: string): Promise<TestClient> {
  const client = connectClient(port, boardId, { cookie })
  cleanup(() => client.destroy())
  await waitForSync(client)
  writeRecords(client.doc, [
    page,
    step('sign-up', 0, 'Sign up'),
    step('pay', 300, 'Pay'),
    slice('mvp', 0, 'MVP'),
    cardAt('card', 120, 75),
  ])
  return client
}

/** `change` made on a copy of `client`'s document, as one update, leaving `client` as it was. */
function changeOnACopy(client: TestClient, change: (doc: Y.Doc) => void): Uint8Array {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(client.doc))
  const before = Y.encodeStateVector(copy)
  change(copy)
  return Y.encodeStateAsUpdate(copy, before)
}

const moveTo = (id: string, x: number) => (doc: Y.Doc) =>
  (getRecords(doc).get(id) as Y.Map<unknown>).set('x', x)
const xOf = (doc: Y.Doc, id: string) => getRecords(doc).get(id)?.get('x')

describe.each(engines)('shape locks on %s', (_engine, storage) => {
  async function workshop() {
    const { running, restart } = await restartableServer(await storage(), cleanup)
    const { port } = running
    const { boardId, people, outsider } = await membersOfEveryRole(port)
    const ownerClient = await mapTheJourney(port, boardId, people.owner.cookie)
    await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').size === 5, {
      message: 'the journey to reach the server',
    })
    const send = (method: string, rest: string, cookie: string, body?: unknown) =>
      api(port, locksPath(boardId, rest), { method, cookie, ...(body === undefined ? {} : { body }) })
    return { running, port, boardId, people, outsider, ownerClient, send, restart }
  }

  it('owners lock and unlock; editors, voters and viewers get 403, others 404, no session 401', async () => {
    const { people, outsider, send } = await workshop()
    const changes = [
      ['PUT', '/shape:pay', { locked: true }],
      ['PUT', '', { shapeIds: ['shape:pay'], locked: true }],
      ['POST', '/backbone', { locked: true }],
    ] as const
    for (const [method, rest, body] of changes) {
      const what = `${method} ${rest}`
      for (const role of ['editor', 'voter', 'viewer'] as const) {
        const refused = await send(method, rest, people[role].cookie, body)
        expect(refused.status, `${role} ${what}`).toBe(403)
        expect(refused.body.error.code, `${role} ${what}`).toBe('forbidden')
      }
      expect((await send(method, rest, outsider.cookie, body)).status, what).toBe(404)
      expect((await send(method, rest, '', body)).status, what).toBe(401)
      expect((await send(method, rest, people.owner.cookie, body)).status, what).toBe(200)
    }
    for (const role of ['owner', 'editor', 'voter', 'viewer'] as const) {
      const read = await send('GET', '', people[role].cookie)
      expect(read.status, role).toBe(200)
      expect(read.body, role).toEqual({ locks: BACKBONE })
    }
    expect((await send('GET', '', outsider.cookie)).status).toBe(404)
    expect((await send('GET', '', '')).status).toBe(401)
  })

  it('locks one shape, a selection, or the whole backbone in one click; each answers every lock', async () => {
    const { people, send, ownerClient } = await workshop()
    const owner = people.owner.cookie
    expect((await send('PUT', '/shape:card', owner, { locked: true })).body).toEqual({
      locks: ['shape:card'],
    })
    expect((await send('POST', '/backbone', owner, { locked: true })).body).toEqual({
      locks: [...BACKBONE, 'shape:card'].sort(),
    })
    await waitFor(() => lockedShapesOf(ownerClient.doc).length === 4, {
      message: 'the locks to reach the owner',
    })
    expect((await send('POST', '/backbone', owner, { locked: false })).body).toEqual({
      locks: ['shape:card'],
    })
    const selection = await send('PUT', '', owner, { shapeIds: ['shape:pay', 'shape:mvp'], locked: true })
    expect(selection.body).toEqual({ locks: ['shape:card', 'shape:mvp', 'shape:pay'] })
    const unlocked = await send('PUT', '', owner, { shapeIds: ['shape:card', 'shape:pay'], locked: false })
    expect(unlocked.body).toEqual({ locks: ['shape:mvp'] })
  })

  it('404 for locking a shape not on the board, with nothing locked; unlocking one is fine; 400 for bad bodies', async () => {
    const { people, send } = await workshop()
    const owner = people.owner.cookie
    const missing = await send('PUT', '/shape:nope', owner, { locked: true })
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('shape_not_found')
    const partly = await send('PUT', '', owner, { shapeIds: ['shape:pay', 'shape:nope'], locked: true })
    expect(partly.status).toBe(404)
    expect((await send('GET', '', owner)).body).toEqual({ locks: [] })
    expect((await send('PUT', '/page:main', owner, { locked: true })).status).toBe(404)
    expect((await send('PUT', '/shape:nope', owner, { locked: false })).body).toEqual({ locks: [] })
    for (const [method, rest, body] of [
      ['PUT', '/shape:pay', {}],
      ['PUT', '/shape:pay', { locked: 'yes' }],
      ['PUT', '', { shapeIds: [], locked: true }],
      ['PUT', '', { shapeIds: ['page:main'], locked: true }],
      ['PUT', '', { shapeIds: 'shape:pay', locked: true }],
      ['POST', '/backbone', { locked: null }],
    ] as const) {
      const refused = await send(method, rest, owner, body)
      expect(refused.status, JSON.stringify(body)).toBe(400)
      expect(refused.body.error.code, JSON.stringify(body)).toBe('invalid_body')
    }
  })

  it('an editor’s change to a locked step closes their socket with 4423; nobody gets it, storage never holds it', async () => {
    const { port, boardId, people, send, ownerClient, restart } = await workshop()
    expect((await send('POST', '/backbone', people.owner.cookie, { locked: true })).status).toBe(200)
    const watcher = connectClient(port, boardId, { cookie: people.voter.cookie })
    cleanup(() => watcher.destroy())
    await waitFor(() => lockedShapesOf(watcher.doc).length === 3, { message: 'the locks to reach the voter' })
    const editorClient = connectClient(port, boardId, { cookie: people.editor.cookie })
    cleanup(() => editorClient.destroy())
    await waitFor(() => lockedShapesOf(editorClient.doc).length === 3, {
      message: 'the locks to reach the editor',
    })

    const { socket, opened } = openRawSocket(port, boardId, { cookie: people.editor.cookie })
    cleanup(() => socket.terminate())
    await opened
    const closed = closeCode(socket)
    socket.send(encodeUpdate(changeOnACopy(editorClient, moveTo('shape:mvp', 9999))))
    expect(await closed).toBe(CloseCode.LockedShape)
    const deletion = openRawSocket(port, boardId, { cookie: people.editor.cookie })
    cleanup(() => deletion.socket.terminate())
    await deletion.opened
    const deleted = closeCode(deletion.socket)
    deletion.socket.send(
      encodeUpdate(changeOnACopy(editorClient, (doc) => getRecords(doc).delete('shape:sign-up'))),
    )
    expect(await deleted).toBe(CloseCode.LockedShape)

    // The editor may still change what is not locked, and the owner what is: both reach the voter after the refusals.
    getRecords(editorClient.doc).get('shape:card')?.set('x', 42)
    moveTo('shape:pay', 555)(ownerClient.doc)
    await waitFor(() => xOf(watcher.doc, 'shape:card') === 42 && xOf(watcher.doc, 'shape:pay') === 555, {
      message: 'the allowed changes to reach the voter',
    })
    expect(getRecords(watcher.doc).has('shape:sign-up')).toBe(true)
    expect(xOf(watcher.doc, 'shape:mvp')).toBe(-100)

    const again = await restart()
    const reloaded = connectClient(again.port, boardId, { cookie: people.viewer.cookie })
    cleanup(() => reloaded.destroy())
    await waitForSync(reloaded)
    expect(xOf(reloaded.doc, 'shape:pay')).toBe(555)
    expect(getRecords(reloaded.doc).has('shape:sign-up')).toBe(true)
    expect(xOf(reloaded.doc, 'shape:mvp')).toBe(-100)
    expect(lockedShapesOf(reloaded.doc)).toEqual(BACKBONE)
  })
})

describe('shape locks across instances', () => {
  it('a lock set on instance A reaches B through Redis, and B refuses an editor’s change to it', async () => {
    const { a, b } = await twoInstances(cleanup)
    const { boardId, people } = await membersOfEveryRole(a.port)
    await mapTheJourney(a.port, boardId, people.owner.cookie)
    const onB = connectClient(b.port, boardId, { cookie: people.editor.cookie })
    cleanup(() => onB.destroy())
    await waitFor(() => getRecords(onB.doc).size === 5, { message: 'the journey to reach instance B' })

    const locked = await api(a.port, locksPath(boardId, '/shape:pay'), {
      method: 'PUT',
      body: { locked: true },
      cookie: people.owner.cookie,
    })
    expect(locked.status).toBe(200)
    await waitFor(() => lockedShapesOf(onB.doc).includes('shape:pay'), {
      message: 'the lock to reach instance B’s client',
    })
    const read = await api(b.port, locksPath(boardId), { cookie: people.voter.cookie })
    expect(read.body).toEqual({ locks: ['shape:pay'] })

    const { socket, opened } = openRawSocket(b.port, boardId, { cookie: people.editor.cookie })
    cleanup(() => socket.terminate())
    await opened
    const closed = closeCode(socket)
    socket.send(encodeUpdate(changeOnACopy(onB, moveTo('shape:pay', 9999))))
    expect(await closed).toBe(CloseCode.LockedShape)
  })
})
