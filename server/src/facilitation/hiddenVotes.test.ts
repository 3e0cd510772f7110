import { getRecords, putRecord, VOTES_KEY, votingHiddenOf } from '@refinery/shared'
import { cardAt } from '@refinery/shared/testing'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addMember,
  api,
  castVote,
  cleanupAfterEach,
  connectClient,
  membersOfEveryRole,
  serverDataEngines,
  signUp,
  startTestServer,
  waitFor,
  waitForSync,
} from '../../test/helpers'

const cleanup = cleanupAfterEach()
const engines = serverDataEngines(cleanup)

type Person = Awaited<ReturnType<typeof signUp>>

/** Whether `text` occurs anywhere in the bytes of a document's whole state. */
function stateHolds(doc: Y.Doc, text: string): boolean {
  return Buffer.from(Y.encodeStateAsUpdate(doc)).includes(Buffer.from(text))
}

/** The parts of an export that do not depend on when it was made. */
const timeless = (text: string) => text.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')

describe.each(engines)('hidden voting on %s', (_engine, storage) => {
  /** A board with three story cards, a member of every role, a second voter and an outsider. */
  async function workshop() {
    const data = await storage()
    const running = await startTestServer(data)
    let stopped = false
    cleanup(() => (stopped ? undefined : running.close()))
    const port = running.port
    const { boardId, people, outsider } = await membersOfEveryRole(port)
    const second = await signUp(port, 'Vera')
    await addMember(port, people.owner.cookie, boardId, second.cookie, 'voter')
    const ownerClient = connectClient(port, boardId, { cookie: people.owner.cookie })
    cleanup(() => ownerClient.destroy())
    await waitForSync(ownerClient)
    ownerClient.doc.transact(() => {
      for (const id of ['a', 'b', 'c']) putRecord(getRecords(ownerClient.doc), cardAt(id, 120, 75))
    })
    await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').size === 3)
    const path = `/api/boards/${boardId}`
    const voting = (cookie: string, body: unknown) =>
      api(port, `${path}/voting`, { method: 'POST', body, cookie })
    const reveal = (cookie: string) => api(port, `${path}/voting/reveal`, { method: 'POST', cookie })
    const vote = (person: Person, cardId: string, dots: number) =>
      castVote(port, person.cookie, boardId, cardId, dots)
    const mine = async (person: Person) => (await api(port, `${path}/votes`, { cookie: person.cookie })).body
    const restart = async () => {
      stopped = true
      ownerClient.destroy()
      await running.close()
      const again = await startTestServer(data)
      cleanup(() => again.close())
      return again
    }
    return {
      running,
      port,
      boardId,
      path,
      people,
      outsider,
      second,
      ownerClient,
      voting,
      reveal,
      vote,
      mine,
      restart,
    }
  }

  it('only owners hide and reveal (403 for other members, 404 for others, 400 for a malformed body)', async () => {
    const { port, path, people, outsider, voting, reveal, ownerClient } = await workshop()
    for (const role of ['editor', 'voter', 'viewer'] as const) {
      const refused = await voting(people[role].cookie, { hidden: true })
      expect(refused.status, role).toBe(403)
      expect(refused.body.error.code, role).toBe('forbidden')
      expect((await reveal(people[role].cookie)).status, role).toBe(403)
    }
    expect((await voting(outsider.cookie, { hidden: true })).status).toBe(404)
    expect((await reveal(outsider.cookie)).status).toBe(404)
    for (const body of [{}, { hidden: 'yes' }, { hidden: 1 }, [true], null]) {
      const refused = await voting(people.owner.cookie, body)
      expect(refused.status, JSON.stringify(body)).toBe(400)
      expect(refused.body.error.code, JSON.stringify(body)).toBe('invalid_body')
    }
    const malformed = await api(port, `${path}/voting`, {
      method: 'POST',
      raw: '{"hidden": ',
      cookie: people.owner.cookie,
    })
    expect(malformed.status).toBe(400)

    expect((await voting(people.owner.cookie, { hidden: true })).body).toEqual({ hidden: true })
    await waitFor(() => votingHiddenOf(ownerClient.doc), {
      message: 'every client to learn voting is hidden',
    })
    expect((await reveal(people.owner.cookie)).body).toEqual({ hidden: false })
    await waitFor(() => !votingHiddenOf(ownerClient.doc), { message: 'every client to learn it is revealed' })
  })

  it('a hidden vote is in no document, backlog, export or version; the voter alone reads it', async () => {
    const { running, port, boardId, path, people, second, ownerClient, voting, vote, mine } = await workshop()
    const voterClient = connectClient(port, boardId, { cookie: people.voter.cookie })
    cleanup(() => voterClient.destroy())
    await waitForSync(voterClient)
    const exports = async () => ({
      json: (await api(port, `${path}/backlog`, { cookie: people.viewer.cookie })).body.items,
      csv: timeless((await api(port, `${path}/backlog.csv`, { cookie: people.viewer.cookie })).body),
      md: timeless((await api(port, `${path}/backlog.md`, { cookie: people.viewer.cookie })).body),
    })
    const before = await exports()

    expect((await voting(people.owner.cookie, { hidden: true })).status).toBe(200)
    await waitFor(() => votingHiddenOf(voterClient.doc))
    expect((await vote(people.voter, 'shape:a', 3)).body).toEqual({ cardId: 'shape:a', dots: 3, left: 2 })
    expect((await vote(second, 'shape:b', 2)).status).toBe(200)

    expect(await mine(people.voter)).toEqual({ budget: 5, left: 2, mine: { 'shape:a': 3 } })
    expect(await mine(second)).toEqual({ budget: 5, left: 3, mine: { 'shape:b': 2 } })
    expect(await mine(people.owner)).toEqual({ budget: 5, left: 5, mine: {} })

    // A later change reaches the clients, so anything the votes had written would have reached them too.
    ownerClient.doc.transact(() => putRecord(getRecords(ownerClient.doc), cardAt('d', 400, 75)))
    await waitFor(() => getRecords(voterClient.doc).has('shape:d'))
    const room = running.sync.peekRoom(boardId)?.doc as Y.Doc
    for (const doc of [room, ownerClient.doc, voterClient.doc]) {
      expect(doc.getMap(VOTES_KEY).size).toBe(0)
      expect(stateHolds(doc, people.voter.id)).toBe(false)
      expect(stateHolds(doc, second.id)).toBe(false)
    }
    const now = await exports()
    expect(now.json.map((item: { votes: number }) => item.votes)).toEqual([0, 0, 0, 0])
    expect(now.csv.split('\n').length).toBe(before.csv.split('\n').length + 1)
    expect(now.md).not.toMatch(/\d votes?\b/)

    const finished = await api(port, `${path}/finish`, {
      method: 'POST',
      body: { name: 'While hidden' },
      cookie: people.editor.cookie,
    })
    expect(finished.status).toBe(201)
    expect(finished.body.backlog.items.map((item: { votes: number }) => item.votes)).toEqual([0, 0, 0, 0])
    const frozen = await api(port, `${path}/versions/${finished.body.versionId}/backlog`, {
      cookie: people.viewer.cookie,
    })
    expect(frozen.body.items.every((item: { votes: number }) => item.votes === 0)).toBe(true)
  })

  it('the budget counts hidden and visible dots together', async () => {
    const { people, voting, vote, mine } = await workshop()
    expect((await vote(people.voter, 'shape:a', 2)).status).toBe(200)
    await voting(people.owner.cookie, { hidden: true })
    const over = await vote(people.voter, 'shape:b', 4)
    expect(over.status).toBe(409)
    expect(over.body.error.code).toBe('over_budget')
    expect((await vote(people.voter, 'shape:b', 3)).body.left).toBe(0)
    expect((await vote(people.voter, 'shape:a', 0)).body.left).toBe(2)
    expect((await vote(people.voter, 'shape:c', 3)).status).toBe(409)
    expect((await vote(people.voter, 'shape:c', 2)).body.left).toBe(0)
    expect(await mine(people.voter)).toEqual({ budget: 5, left: 0, mine: { 'shape:b': 3, 'shape:c': 2 } })
    expect((await vote(people.voter, 'shape:zzz', 1)).status).toBe(404)
  })

  it('hiding takes the visible totals out of the document; the reveal shows every dot in one change', async () => {
    const { running, boardId, people, second, ownerClient, voting, reveal, vote } = await workshop()
    expect((await vote(people.voter, 'shape:a', 2)).status).toBe(200)
    await waitFor(() => ownerClient.doc.getMap(VOTES_KEY).size === 1)
    await voting(people.owner.cookie, { hidden: true })
    await waitFor(() => ownerClient.doc.getMap(VOTES_KEY).size === 0, {
      message: 'the visible dots to leave',
    })
    // Hiding again keeps the dots given since.
    expect((await vote(second, 'shape:b', 4)).status).toBe(200)
    expect((await voting(people.owner.cookie, { hidden: true })).status).toBe(200)

    const seen: number[] = []
    ownerClient.doc.getMap(VOTES_KEY).observe(() => seen.push(ownerClient.doc.getMap(VOTES_KEY).size))
    expect((await reveal(people.owner.cookie)).status).toBe(200)
    const expected = { [`shape:a|${people.voter.id}`]: 2, [`shape:b|${second.id}`]: 4 }
    await waitFor(() => ownerClient.doc.getMap(VOTES_KEY).size === 2, { message: 'the reveal' })
    expect(ownerClient.doc.getMap(VOTES_KEY).toJSON()).toEqual(expected)
    expect(seen).toEqual([2])
    expect(votingHiddenOf(ownerClient.doc)).toBe(false)
    expect(running.sync.peekRoom(boardId)?.doc.getMap(VOTES_KEY).toJSON()).toEqual(expected)

    // After the reveal votes are visible again, and nothing hidden is left to reveal twice.
    expect((await vote(people.voter, 'shape:a', 1)).status).toBe(200)
    await waitFor(() => ownerClient.doc.getMap(VOTES_KEY).get(`shape:a|${people.voter.id}`) === 1)
    expect((await voting(people.owner.cookie, { hidden: false })).status).toBe(200)
    expect(ownerClient.doc.getMap(VOTES_KEY).get(`shape:a|${people.voter.id}`)).toBe(1)
  })

  it('a restart while voting is hidden keeps the hidden dots, still hidden, until the reveal', async () => {
    const { boardId, path, people, voting, vote, restart } = await workshop()
    await voting(people.owner.cookie, { hidden: true })
    expect((await vote(people.voter, 'shape:a', 3)).status).toBe(200)
    const again = await restart()
    const mine = await api(again.port, `${path}/votes`, { cookie: people.voter.cookie })
    expect(mine.body).toEqual({ budget: 5, left: 2, mine: { 'shape:a': 3 } })
    const client = connectClient(again.port, boardId, { cookie: people.viewer.cookie })
    cleanup(() => client.destroy())
    await waitForSync(client)
    expect(votingHiddenOf(client.doc)).toBe(true)
    expect(client.doc.getMap(VOTES_KEY).size).toBe(0)
    const revealed = await api(again.port, `${path}/voting/reveal`, {
      method: 'POST',
      cookie: people.owner.cookie,
    })
    expect(revealed.status).toBe(200)
    await waitFor(() => client.doc.getMap(VOTES_KEY).get(`shape:a|${people.voter.id}`) === 3, {
      message: 'the revealed dots after a restart',
    })
  })
})
