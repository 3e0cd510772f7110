import {
  addComment,
  CloseCode,
  getComments,
  markAnswered,
  presenceColor,
  readComments,
} from '@refinery/shared'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addMember,
  api,
  cleanupAfterEach,
  closeCode,
  connectClient,
  createBoard,
  openRawSocket,
  signUp,
  startTestServer,
  type TestClient,
  waitFor,
  waitForSync,
} from '../../test/helpers'
import { encodeUpdate } from './messages'

const cleanup = cleanupAfterEach()

async function workshop() {
  const running = await startTestServer()
  cleanup(() => running.close())
  const owner = await signUp(running.port, 'Olivia')
  const boardId = await createBoard(running.port, owner.cookie)
  const join = async (name: string, role: string) => {
    const person = await signUp(running.port, name)
    await addMember(running.port, owner.cookie, boardId, person.cookie, role)
    return person
  }
  const connect = (cookie: string): TestClient => {
    const client = connectClient(running.port, boardId, { cookie })
    cleanup(() => client.destroy())
    return client
  }
  return { running, owner, boardId, join, connect }
}

/** A document update made elsewhere, as a hostile client would hand-craft it. */
function forgedUpdate(key: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getMap('records').set(key, 'forged')
  return Y.encodeStateAsUpdate(doc)
}

const records = (client: TestClient) => client.doc.getMap('records')
const settle = () => new Promise((resolve) => setTimeout(resolve, 150))

describe('who may open a board’s socket', () => {
  it('refuses no session, a non-member, a foreign origin and no origin, before any content', async () => {
    const { running, boardId } = await workshop()
    const outsider = await signUp(running.port, 'Eve')
    const cases: [string, Parameters<typeof openRawSocket>[2], string][] = [
      ['no session', {}, 'refused with 404'],
      ['a non-member', { cookie: outsider.cookie }, 'refused with 404'],
      ['a forged cookie', { cookie: 'refinery_session=abc.def' }, 'refused with 404'],
      ['a foreign origin', { cookie: outsider.cookie, origin: 'http://evil.example' }, 'refused with 403'],
      ['no origin', { cookie: outsider.cookie, origin: null }, 'refused with 403'],
    ]
    for (const [name, options, refusal] of cases) {
      const { opened } = openRawSocket(running.port, boardId, options)
      await expect(opened, name).rejects.toThrow(refusal)
    }
  })

  it('a membership row whose role is not a role grants nothing', async () => {
    const { running, boardId, join } = await workshop()
    const member = await join('Max', 'editor')
    // As a hand-edited or corrupted row would hold it.
    await running.store.sql.run('UPDATE board_members SET role = ? WHERE board_id = ? AND role = ?', [
      'admin',
      boardId,
      'editor',
    ])
    const { opened } = openRawSocket(running.port, boardId, { cookie: member.cookie })
    await expect(opened).rejects.toThrow('refused with 404')
  })

  it.each(['viewer', 'voter'])(
    'a %s syncs down, but a hand-made update reaches neither storage nor peers',
    async (role) => {
      const { running, owner, boardId, join, connect } = await workshop()
      const reader = await join('Rita', role)
      const ownerClient = connect(owner.cookie)
      await waitForSync(ownerClient)
      records(ownerClient).set('real', 'card')

      const readOnly = connect(reader.cookie)
      await waitFor(() => records(readOnly).get('real') === 'card', {
        message: 'the read-only member to sync down',
      })

      const { socket, opened } = openRawSocket(running.port, boardId, { cookie: reader.cookie })
      await opened
      socket.send(encodeUpdate(forgedUpdate('forged')))
      records(readOnly).set('also-forged', 'x')
      await settle()

      expect(records(ownerClient).has('forged')).toBe(false)
      expect(records(ownerClient).has('also-forged')).toBe(false)
      expect(running.sync.peekRoom(boardId)?.doc.getMap('records').has('forged')).toBe(false)
      const stored = await running.store.loadDocument(boardId)
      const fromStorage = new Y.Doc()
      for (const update of stored.updates) Y.applyUpdate(fromStorage, update)
      expect(fromStorage.getMap('records').toJSON()).toEqual({ real: 'card' })
      socket.close()
    },
  )

  it('a voter’s question asked offline lands on reconnect, while the owner answered the voter’s earlier one meanwhile', async () => {
    const { owner, join, connect } = await workshop()
    const voter = await join('Vic', 'voter')
    const ownerClient = connect(owner.cookie)
    const voterClient = connect(voter.cookie)
    await Promise.all([ownerClient, voterClient].map(waitForSync))
    const vic = { id: voter.id, name: 'Vic' }
    const ask = (id: string, text: string) =>
      addComment(voterClient.doc, {
        id,
        cardId: 'shape:card',
        replyTo: null,
        author: vic,
        text,
        question: true,
        createdAt: new Date(),
      })
    ask('q-first', 'Who signs off the copy?')
    await waitFor(() => getComments(ownerClient.doc).has('q-first'), {
      message: 'the first question to reach the owner',
    })

    voterClient.provider.disconnect()
    ask('q-offline', 'And the translations?')
    ownerClient.doc.transact(() =>
      markAnswered(ownerClient.doc, 'q-first', { id: owner.id, name: 'Olivia' }, new Date()),
    )
    await settle()
    expect(getComments(ownerClient.doc).has('q-offline')).toBe(false)

    voterClient.provider.connect()
    await waitFor(() => getComments(ownerClient.doc).has('q-offline'), {
      message: 'the offline question to land',
    })
    await waitFor(
      () => readComments(voterClient.doc).find((c) => c.id === 'q-first')?.answered?.by === owner.id,
      {
        message: 'the owner’s answer to reach the voter',
      },
    )
    expect(voterClient.provider.wsconnected).toBe(true)
  })

  it('a voter’s own question is stored and relayed; one in someone else’s name closes the socket (4403), and a viewer’s is dropped', async () => {
    const { running, owner, boardId, join, connect } = await workshop()
    const voter = await join('Vic', 'voter')
    const viewer = await join('Vera', 'viewer')
    const ownerClient = connect(owner.cookie)
    const voterClient = connect(voter.cookie)
    const viewerClient = connect(viewer.cookie)
    await Promise.all([ownerClient, voterClient, viewerClient].map(waitForSync))
    const ask = (client: TestClient, id: string, author: { id: string; name: string }) =>
      addComment(client.doc, {
        id,
        cardId: 'shape:card',
        replyTo: null,
        author,
        text: 'What if the guest skips the email?',
        question: true,
        createdAt: new Date(),
      })

    ask(voterClient, 'q-vic', { id: voter.id, name: 'Vic' })
    await waitFor(() => getComments(ownerClient.doc).has('q-vic'), {
      message: 'the voter’s question to reach the owner',
    })
    ask(viewerClient, 'q-vera', { id: viewer.id, name: 'Vera' })
    await settle()
    expect(getComments(ownerClient.doc).has('q-vera')).toBe(false)
    expect(viewerClient.provider.wsconnected).toBe(true)

    const { socket, opened } = openRawSocket(running.port, boardId, { cookie: voter.cookie })
    await opened
    const closed = closeCode(socket)
    const forged = new Y.Doc()
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(ownerClient.doc))
    const before = Y.encodeStateVector(forged)
    addComment(forged, {
      id: 'q-forged',
      cardId: 'shape:card',
      replyTo: null,
      author: { id: owner.id, name: 'Olivia' },
      text: 'Signed by the owner, sent by the voter',
      question: false,
      createdAt: new Date(),
    })
    socket.send(encodeUpdate(Y.encodeStateAsUpdate(forged, before)))
    expect(await closed).toBe(CloseCode.Forbidden)
    await settle()
    expect(getComments(ownerClient.doc).has('q-forged')).toBe(false)

    // Stored, not only relayed: the voter's question is in the board as the server keeps it.
    const stored = await running.store.loadDocument(boardId)
    const fromStorage = new Y.Doc()
    for (const update of stored.updates) Y.applyUpdate(fromStorage, update)
    expect(readComments(fromStorage).map((comment) => [comment.id, comment.authorName])).toEqual([
      ['q-vic', 'Vic'],
    ])
  })

  it('disconnects a removed member at once', async () => {
    const { running, owner, boardId, join } = await workshop()
    const editor = await join('Ed', 'editor')
    const { socket, opened } = openRawSocket(running.port, boardId, { cookie: editor.cookie })
    await opened
    const closed = closeCode(socket)
    const started = Date.now()
    const removed = await api(running.port, `/api/boards/${boardId}/members/${editor.id}`, {
      method: 'DELETE',
      cookie: owner.cookie,
    })
    expect(removed.status).toBe(204)
    expect(await closed).toBe(CloseCode.NotFound)
    expect(Date.now() - started).toBeLessThan(1000)
    await expect(openRawSocket(running.port, boardId, { cookie: editor.cookie }).opened).rejects.toThrow(
      'refused with 404',
    )
  })

  it('an editor lowered to viewer can no longer write, without reconnecting', async () => {
    const { running, owner, boardId, join, connect } = await workshop()
    const editor = await join('Ed', 'editor')
    const ownerClient = connect(owner.cookie)
    const editorClient = connect(editor.cookie)
    await Promise.all([waitForSync(ownerClient), waitForSync(editorClient)])
    records(editorClient).set('before', 'ok')
    await waitFor(() => records(ownerClient).get('before') === 'ok')

    const lowered = await api(running.port, `/api/boards/${boardId}/members/${editor.id}`, {
      method: 'PATCH',
      body: { role: 'viewer' },
      cookie: owner.cookie,
    })
    expect(lowered.status).toBe(200)
    records(editorClient).set('after', 'dropped')
    await settle()
    expect(records(ownerClient).has('after')).toBe(false)
  })

  it('deleting a board disconnects everyone on it', async () => {
    const { running, owner, boardId } = await workshop()
    const { socket, opened } = openRawSocket(running.port, boardId, { cookie: owner.cookie })
    await opened
    const closed = closeCode(socket)
    expect(
      (await api(running.port, `/api/boards/${boardId}`, { method: 'DELETE', cookie: owner.cookie })).status,
    ).toBe(204)
    expect(await closed).toBe(CloseCode.NotFound)
  })
})

describe('votes are the server’s to write', () => {
  it('an editor’s update that writes `votes` is not applied, and that socket is closed with 4409', async () => {
    const { running, owner, boardId, join, connect } = await workshop()
    const editor = await join('Ed', 'editor')
    const ownerClient = connect(owner.cookie)
    await waitForSync(ownerClient)

    const forger = connect(editor.cookie)
    await waitForSync(forger)
    const closed = new Promise<number>((resolve) =>
      forger.provider.once('connection-close', (event: CloseEvent | null) => resolve(event?.code ?? 0)),
    )
    forger.doc.transact(() => {
      records(forger).set('card', 'with a side of votes')
      forger.doc.getMap('votes').set(`shape:x|${editor.id}`, 50)
    })
    expect(await closed).toBe(CloseCode.ServerOwnedWrite)
    forger.provider.disconnect()
    await settle()

    expect(ownerClient.doc.getMap('votes').size).toBe(0)
    expect(records(ownerClient).has('card')).toBe(false)
    const room = running.sync.peekRoom(boardId)
    expect(room?.doc.getMap('votes').size).toBe(0)
    expect((await running.store.loadDocument(boardId)).updates).toHaveLength(0)
  })
})

describe('presence identity', () => {
  it('shows each person under the name of their session and the colour of their membership, whatever their client claims', async () => {
    const { owner, join, connect } = await workshop()
    const mallory = await join('Mallory', 'editor')
    const ownerClient = connect(owner.cookie)
    const malloryClient = connect(mallory.cookie)
    await Promise.all([waitForSync(ownerClient), waitForSync(malloryClient)])
    malloryClient.provider.awareness.setLocalState({
      user: { id: owner.id, name: 'Olivia', color: presenceColor(0) },
    })

    const seen = () =>
      ownerClient.provider.awareness.getStates().get(malloryClient.doc.clientID) as
        | { user: { id: string; name: string; color: string } }
        | undefined
    await waitFor(() => seen() !== undefined, { message: 'Mallory’s presence to arrive' })
    // She joined second: the second colour, never the owner's.
    expect(seen()?.user).toEqual({ id: mallory.id, name: 'Mallory', color: presenceColor(1) })
  })

  it('gives the people of a board different colours, in the order they joined, as the board API says', async () => {
    const { running, owner, boardId, join, connect } = await workshop()
    const people = [owner, await join('Ben', 'editor'), await join('Cleo', 'voter')]
    const clients = people.map((person) => connect(person.cookie))
    await Promise.all(clients.map(waitForSync))
    // Every client claims the same colour; the server decides.
    for (const client of clients) client.provider.awareness.setLocalState({ user: { color: '#000000' } })

    const watcher = clients[0] as TestClient
    const colorOf = (client: TestClient) =>
      (watcher.provider.awareness.getStates().get(client.doc.clientID) as { user?: { color?: string } })?.user
        ?.color
    await waitFor(() => clients.slice(1).every((client) => colorOf(client) !== undefined), {
      message: 'everyone’s presence to arrive',
    })
    const expected = [presenceColor(0), presenceColor(1), presenceColor(2)]
    expect(clients.slice(1).map(colorOf)).toEqual(expected.slice(1))
    expect(new Set(expected).size).toBe(3)
    const views = await Promise.all(
      people.map((person) => api(running.port, `/api/boards/${boardId}`, { cookie: person.cookie })),
    )
    expect(views.map((view) => view.body.color)).toEqual(expected)
  })

  it('drops a socket that stops answering pings, and its presence with it', async () => {
    const running = await startTestServer({ heartbeatMs: 100 })
    cleanup(() => running.close())
    const owner = await signUp(running.port, 'Olivia')
    const boardId = await createBoard(running.port, owner.cookie)
    const watcher = connectClient(running.port, boardId, { cookie: owner.cookie })
    cleanup(() => watcher.destroy())
    await waitForSync(watcher)

    // A laptop closed mid-workshop: the connection is there, nothing answers any more.
    const gone = connectClient(running.port, boardId, { cookie: owner.cookie })
    cleanup(() => gone.destroy())
    await waitForSync(gone)
    gone.provider.awareness.setLocalState({ cursor: { x: 1, y: 1 } })
    await waitFor(() => watcher.provider.awareness.getStates().has(gone.doc.clientID))
    const socket = gone.provider.ws as unknown as { _receiver: { removeAllListeners(event: string): void } }
    socket._receiver.removeAllListeners('ping')
    gone.provider.shouldConnect = false

    await waitFor(() => !watcher.provider.awareness.getStates().has(gone.doc.clientID), {
      message: 'the silent client’s presence to go',
    })
    await waitFor(() => running.sync.peekRoom(boardId)?.connections.size === 1, {
      message: 'the socket to go',
    })
    // The one left is the watcher, who answers pings and stays.
    await new Promise((resolve) => setTimeout(resolve, 350))
    expect(running.sync.peekRoom(boardId)?.connections.size).toBe(1)
    expect(watcher.provider.wsconnected).toBe(true)
  })

  it('removes a person’s presence when their socket closes', async () => {
    const { owner, join, connect } = await workshop()
    const guest = await join('Gus', 'viewer')
    const ownerClient = connect(owner.cookie)
    const guestClient = connect(guest.cookie)
    await Promise.all([waitForSync(ownerClient), waitForSync(guestClient)])
    guestClient.provider.awareness.setLocalState({ cursor: { x: 1, y: 2 } })
    await waitFor(() => ownerClient.provider.awareness.getStates().has(guestClient.doc.clientID))
    guestClient.provider.disconnect()
    await waitFor(() => !ownerClient.provider.awareness.getStates().has(guestClient.doc.clientID), {
      message: 'the presence to go',
    })
  })
})
