import { CloseCode } from '@refinery/shared'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import {
  api,
  cleanupAfterEach,
  closeWithin,
  connectClient,
  createBoard,
  logIn,
  openRawSocket,
  PASSWORD,
  signUp,
  startTestServer,
  type TestClient,
  waitFor,
  waitForSync,
} from '../../test/helpers'
import type { RunningServer } from '../server'
import { encodeUpdate } from './messages'

const cleanup = cleanupAfterEach()

async function server(overrides: Parameters<typeof startTestServer>[0] = {}) {
  const running = await startTestServer(overrides)
  cleanup(() => running.close())
  return running
}

async function openSocket(running: RunningServer, boardId: string, cookie: string) {
  const { socket, opened } = openRawSocket(running.port, boardId, { cookie })
  cleanup(() => socket.terminate())
  return opened
}

/** An update adding one record, as a client that made it elsewhere would send it. */
function cardUpdate(key: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getMap('records').set(key, 'card')
  return Y.encodeStateAsUpdate(doc)
}

async function storedRecords(running: RunningServer, boardId: string) {
  const stored = await running.store.loadDocument(boardId)
  const doc = new Y.Doc()
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
  for (const update of stored.updates) Y.applyUpdate(doc, update)
  return doc.getMap('records').toJSON()
}

/** `refinery_session=id.secret` → id. */
const sessionIdOf = (cookie: string) =>
  decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1)).split('.')[0] as string

/** When the cookie's session ends, as stored now. */
async function expiryOf(running: RunningServer, cookie: string): Promise<number> {
  const row = await running.store.sql.get<{ expires_at: number }>(
    'SELECT expires_at FROM sessions WHERE id = ?',
    [sessionIdOf(cookie)],
  )
  if (!row) throw new Error('no such session')
  return Number(row.expires_at)
}

const records = (client: TestClient) => client.doc.getMap('records')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

describe('a socket lives no longer than its session', () => {
  it('logging out closes that session’s socket with 4401 within a second; what it sends after is dropped', async () => {
    const running = await server()
    const ada = await signUp(running.port, 'Ada')
    const boardId = await createBoard(running.port, ada.cookie)
    // Ada's other browser: its session and socket stay.
    const elsewhere = connectClient(running.port, boardId, { cookie: await logIn(running.port, ada.email) })
    cleanup(() => elsewhere.destroy())
    await waitForSync(elsewhere)
    const socket = await openSocket(running, boardId, ada.cookie)

    const started = Date.now()
    const closed = closeWithin(socket, 2000)
    const logout = await api(running.port, '/api/auth/logout', { method: 'POST', cookie: ada.cookie })
    expect(logout.status).toBe(204)
    // A stale tab's edit, sent the moment the logout has answered.
    if (socket.readyState === WebSocket.OPEN) socket.send(encodeUpdate(cardUpdate('after-logout')))
    const { code, at } = await closed
    await sleep(200)

    expect(await storedRecords(running, boardId)).not.toHaveProperty('after-logout')
    expect(records(elsewhere).has('after-logout')).toBe(false)
    expect(code).toBe(CloseCode.Unauthorized)
    expect((at ?? Number.POSITIVE_INFINITY) - started).toBeLessThan(1000)
    expect(elsewhere.provider.wsconnected).toBe(true)
  })

  it('changing the password closes the other sessions’ sockets; the one that changed it carries on under its fresh session', async () => {
    const running = await server()
    const pat = await signUp(running.port, 'Pat')
    const boardId = await createBoard(running.port, pat.cookie)
    const laptop = await logIn(running.port, pat.email)
    const here = await openSocket(running, boardId, pat.cookie)
    const there = await openSocket(running, boardId, laptop)

    const started = Date.now()
    const thereClosed = closeWithin(there, 2000)
    const changed = await api(running.port, '/api/auth/password', {
      method: 'POST',
      body: { currentPassword: PASSWORD, newPassword: 'a brand new secret' },
      cookie: pat.cookie,
    })
    expect(changed.status).toBe(204)
    const { code, at } = await thereClosed
    expect(code).toBe(CloseCode.Unauthorized)
    expect((at ?? Number.POSITIVE_INFINITY) - started).toBeLessThan(1000)

    // The browser that changed it got a fresh session and keeps working on its open socket.
    expect(here.readyState).toBe(WebSocket.OPEN)
    here.send(encodeUpdate(cardUpdate('still-here')))
    await waitFor(async () => (await storedRecords(running, boardId))['still-here'] === 'card', {
      message: 'the edit of the socket that changed the password to be stored',
    })
    // That socket now belongs to the fresh session: ending it closes the socket.
    const hereClosed = closeWithin(here, 2000)
    await api(running.port, '/api/auth/logout', { method: 'POST', cookie: changed.setCookie })
    expect((await hereClosed).code).toBe(CloseCode.Unauthorized)
  })

  it('a socket whose upgrade checked its session just before the session ended is closed as it joins', async () => {
    const running = await server()
    const ada = await signUp(running.port, 'Ada')
    const boardId = await createBoard(running.port, ada.cookie)
    // The end reaches the core while the store still holds the session, as when a logout's message
    // arrives between an upgrade's check and its socket joining the room.
    running.sync.sessions.sessionsEnded([sessionIdOf(ada.cookie)])
    const socket = await openSocket(running, boardId, ada.cookie)
    expect((await closeWithin(socket, 1000)).code).toBe(CloseCode.Unauthorized)
  })

  it('a session’s expiry closes its socket within a second of it', async () => {
    const running = await server({ sessionLifetimeMs: 1500 })
    const ada = await signUp(running.port, 'Ada')
    const boardId = await createBoard(running.port, ada.cookie)
    const socket = await openSocket(running, boardId, ada.cookie)
    const expiresAt = await expiryOf(running, ada.cookie)

    const { code, at } = await closeWithin(socket, expiresAt - Date.now() + 2000)
    expect(code).toBe(CloseCode.Unauthorized)
    expect(at).toBeGreaterThanOrEqual(expiresAt)
    expect((at ?? Number.POSITIVE_INFINITY) - expiresAt).toBeLessThan(1000)
  })

  it('a session renewed by use while its socket is open keeps that socket until its new expiry', async () => {
    const running = await server({ sessionLifetimeMs: 2000 })
    const ada = await signUp(running.port, 'Ada')
    const boardId = await createBoard(running.port, ada.cookie)
    const socket = await openSocket(running, boardId, ada.cookie)
    const first = await expiryOf(running, ada.cookie)

    // Less than half its lifetime left: the app's next request renews it.
    await sleep(first - Date.now() - 900)
    expect((await api(running.port, '/api/me', { cookie: ada.cookie })).status).toBe(200)
    const renewed = await expiryOf(running, ada.cookie)
    expect(renewed).toBeGreaterThan(first)

    const { code, at } = await closeWithin(socket, renewed - Date.now() + 2000)
    expect(at).toBeGreaterThanOrEqual(renewed)
    expect(code).toBe(CloseCode.Unauthorized)
    expect((at ?? Number.POSITIVE_INFINITY) - renewed).toBeLessThan(1000)
  })
})
