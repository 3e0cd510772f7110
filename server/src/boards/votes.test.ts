import { getRecords, putRecord, VOTES_KEY } from '@refinery/shared'
import { cardAt } from '@refinery/shared/testing'
import { describe, expect, it } from 'vitest'
import {
  addMember,
  api,
  castVote,
  cleanupAfterEach,
  connectClient,
  createBoard,
  signUp,
  startTestServer,
  type TestClient,
  waitFor,
  waitForSync,
} from '../../test/helpers'

const cleanup = cleanupAfterEach()

/** A board with three story cards placed by its owner over a real socket, and a voter. */
async function votingBoard() {
  const running = await startTestServer()
  cleanup(() => running.close())
  const owner = await signUp(running.port, 'Olivia')
  const boardId = await createBoard(running.port, owner.cookie)
  const voter = await signUp(running.port, 'Vic')
  await addMember(running.port, owner.cookie, boardId, voter.cookie, 'voter')
  const ownerClient: TestClient = connectClient(running.port, boardId, { cookie: owner.cookie })
  cleanup(() => ownerClient.destroy())
  await waitForSync(ownerClient)
  ownerClient.doc.transact(() => {
    for (const id of ['a', 'b', 'c']) putRecord(getRecords(ownerClient.doc), cardAt(id, 120, 75))
  })
  await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').size === 3)
  const vote = (cardId: string, dots: number, cookie = voter.cookie) =>
    castVote(running.port, cookie, boardId, cardId, dots)
  return { running, owner, voter, boardId, ownerClient, vote }
}

describe('dot voting', () => {
  it('a vote is written by the server and reaches every client', async () => {
    const { voter, ownerClient, vote } = await votingBoard()
    const cast = await vote('shape:a', 3)
    expect(cast.status).toBe(200)
    expect(cast.body).toEqual({ cardId: 'shape:a', dots: 3, left: 2 })
    await waitFor(() => ownerClient.doc.getMap(VOTES_KEY).get(`shape:a|${voter.id}`) === 3, {
      message: 'the vote to reach the owner’s client',
    })
  })

  it('keeps each person within the board’s budget (409 past it), and 0 takes dots back', async () => {
    const { running, owner, boardId, vote } = await votingBoard()
    expect((await vote('shape:a', 3)).status).toBe(200)
    const over = await vote('shape:b', 3)
    expect(over.status).toBe(409)
    expect(over.body.error.code).toBe('over_budget')
    expect((await vote('shape:b', 2)).body.left).toBe(0)
    expect((await vote('shape:a', 0)).body).toEqual({ cardId: 'shape:a', dots: 0, left: 3 })
    // Changing dots on a card counts only the difference.
    expect((await vote('shape:b', 5)).body.left).toBe(0)

    const raised = await api(running.port, `/api/boards/${boardId}`, {
      method: 'PATCH',
      body: { voteBudget: 8 },
      cookie: owner.cookie,
    })
    expect(raised.body.voteBudget).toBe(8)
    expect((await vote('shape:c', 3)).body.left).toBe(0)
  })

  it('concurrent requests of one person cannot pass the budget together', async () => {
    const { vote, running, boardId, voter } = await votingBoard()
    const results = await Promise.all(['shape:a', 'shape:b', 'shape:c'].map((id) => vote(id, 2)))
    expect(results.filter((r) => r.status === 200)).toHaveLength(2)
    expect(results.filter((r) => r.status === 409)).toHaveLength(1)
    const mine = await api(running.port, `/api/boards/${boardId}/votes`, { cookie: voter.cookie })
    expect(mine.body).toMatchObject({ budget: 5, left: 1 })
  })

  it('404 for a card not on the board, or a shape that is not a story card', async () => {
    const { vote, ownerClient, running, boardId } = await votingBoard()
    expect((await vote('shape:nope', 1)).status).toBe(404)
    ownerClient.doc.transact(() =>
      putRecord(getRecords(ownerClient.doc), { ...cardAt('geo', 120, 75), type: 'geo' }),
    )
    await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').has('shape:geo') === true)
    expect((await vote('shape:geo', 1)).status).toBe(404)
  })

  it('an editor who saw votes change reconnects without being taken for a forger', async () => {
    const { running, owner, boardId, vote } = await votingBoard()
    await vote('shape:a', 1)
    await vote('shape:a', 2)
    const editor = await signUp(running.port, 'Ed')
    await addMember(running.port, owner.cookie, boardId, editor.cookie, 'editor')
    const first: TestClient = connectClient(running.port, boardId, { cookie: editor.cookie })
    cleanup(() => first.destroy())
    await waitFor(() => first.doc.getMap(VOTES_KEY).size === 1)
    await vote('shape:a', 0)
    await waitFor(() => first.doc.getMap(VOTES_KEY).size === 0)

    // Reconnecting sends the server its whole delete set, the server's own vote deletes included.
    const closes: number[] = []
    first.provider.on('connection-close', (event: CloseEvent | null) => closes.push(event?.code ?? 0))
    first.provider.disconnect()
    first.provider.connect()
    await waitForSync(first)
    getRecords(first.doc).set('shape:after', new (await import('yjs')).Map())
    await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').has('shape:after') === true, {
      message: 'the editor’s edit after reconnecting',
    })
    expect(closes.filter((code) => code === 4409)).toEqual([])
  })

  it('a viewer may not vote (403); a malformed vote is a 400', async () => {
    const { running, owner, boardId, vote } = await votingBoard()
    const viewer = await signUp(running.port, 'Vera')
    await addMember(running.port, owner.cookie, boardId, viewer.cookie, 'viewer')
    expect((await vote('shape:a', 1, viewer.cookie)).status).toBe(403)
    expect((await vote('shape:a', -1)).status).toBe(400)
    expect((await vote('shape:a', 1.5)).status).toBe(400)
  })

  it('votes survive a restart, and a board with votes loads with them', async () => {
    const { running, voter, boardId, vote } = await votingBoard()
    await vote('shape:a', 2)
    const stored = await running.store.loadDocument(boardId)
    expect(stored.updates.length).toBeGreaterThan(0)
    const total = await running.sync.read(boardId, (doc) => doc.getMap(VOTES_KEY).get(`shape:a|${voter.id}`))
    expect(total).toBe(2)
  })
})
