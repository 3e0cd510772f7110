import {
  CloseCode,
  getRecords,
  POKER_DECKS,
  POKER_KEY,
  type PokerDeck,
  type PokerRound,
  pokerRoundOf,
  putRecord,
  ROUND_KEY,
} from '@refinery/shared'
import { cardAt } from '@refinery/shared/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addMember,
  api,
  cleanupAfterEach,
  connectClient,
  membersOfEveryRole,
  restartableServer,
  serverDataEngines,
  signUp,
  type TestClient,
  twoInstances,
  waitFor,
  waitForSync,
} from '../../test/helpers'

const cleanup = cleanupAfterEach()
const engines = serverDataEngines(cleanup)

type Person = Awaited<ReturnType<typeof signUp>>

/** The poker routes of one board on one server, called as a person. */
function pokerApi(port: number, boardId: string) {
  const path = `/api/boards/${boardId}/poker`
  return {
    path,
    read: (who: Person) => api(port, path, { cookie: who.cookie }),
    open: (who: Person, body: unknown) => api(port, path, { method: 'POST', body, cookie: who.cookie }),
    estimate: (who: Person, value: unknown) =>
      api(port, `${path}/estimate`, { method: 'PUT', body: { value }, cookie: who.cookie }),
    reveal: (who: Person) => api(port, `${path}/reveal`, { method: 'POST', cookie: who.cookie }),
    accept: (who: Person, value: unknown) =>
      api(port, `${path}/accept`, { method: 'POST', body: { value }, cookie: who.cookie }),
    close: (who: Person) => api(port, path, { method: 'DELETE', cookie: who.cookie }),
  }
}

/** Puts story cards on the board through a client, as a person editing would, and waits for the server. */
async function addCards(client: TestClient, ids: string[]): Promise<void> {
  client.doc.transact(() => {
    ids.forEach((id, at) => {
      putRecord(getRecords(client.doc), cardAt(id, 120 + 300 * at, 75))
    })
  })
  await waitFor(() => ids.every((id) => getRecords(client.doc).has(`shape:${id}`)))
}

const estimateOf = (doc: Y.Doc, cardId: string) =>
  (getRecords(doc).get(cardId)?.get('props') as Y.Map<unknown> | undefined)?.get('estimate')

/**
 * The ways a pick could sit in a document or a text: a user id next to the face, as JSON and as Yjs
 * encodes a plain object's entry (the key's length and bytes, 119 for a string, the value's).
 */
function pickPatterns(userId: string, value: string): Buffer[] {
  return [
    Buffer.from(`"${userId}":"${value}"`),
    Buffer.concat([
      Buffer.from([userId.length]),
      Buffer.from(userId),
      Buffer.from([119, value.length]),
      Buffer.from(value),
    ]),
  ]
}

function holdsPick(bytes: Buffer, picks: Iterable<[userId: string, value: string]>): boolean {
  for (const [userId, value] of picks) {
    if (pickPatterns(userId, value).some((pattern) => bytes.includes(pattern))) return true
  }
  return bytes.includes(Buffer.from('values'))
}

describe.each(engines)('planning poker on %s', (_engine, storage) => {
  /** A server on this engine, a board with two story cards, a member of every role and a second voter. */
  async function workshop() {
    const server = await restartableServer(await storage(), cleanup)
    const { running } = server
    const port = running.port
    const { boardId, people, outsider } = await membersOfEveryRole(port)
    const second = await signUp(port, 'Vera')
    await addMember(port, people.owner.cookie, boardId, second.cookie, 'voter')
    const ownerClient = connectClient(port, boardId, { cookie: people.owner.cookie })
    cleanup(() => ownerClient.destroy())
    await waitForSync(ownerClient)
    await addCards(ownerClient, ['a', 'b'])
    await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').size === 2)
    const restart = () => {
      ownerClient.destroy()
      return server.restart()
    }
    return {
      running,
      port,
      boardId,
      people,
      outsider,
      second,
      ownerClient,
      restart,
      ...pokerApi(port, boardId),
    }
  }

  it('owners and editors run a round, voters pick, viewers watch; 403 for the wrong role, 404 for others', async () => {
    const { people, outsider, read, open, estimate, reveal, accept, close } = await workshop()
    const nobody = { ...outsider, cookie: '' }
    for (const role of ['voter', 'viewer'] as const) {
      const refused = await open(people[role], { cardId: 'shape:a', deck: 'fibonacci' })
      expect(refused.status, role).toBe(403)
      expect(refused.body.error.code, role).toBe('forbidden')
    }
    for (const who of [outsider, nobody]) {
      expect((await read(who)).status).toBe(404)
      expect((await open(who, { cardId: 'shape:a', deck: 'fibonacci' })).status).toBe(404)
    }
    for (const role of ['owner', 'editor'] as const) {
      const opened = await open(people[role], { cardId: 'shape:a', deck: 'fibonacci' })
      expect(opened.status, role).toBe(201)
      expect(opened.body.round).toMatchObject({
        cardId: 'shape:a',
        deck: 'fibonacci',
        openedBy: people[role].id,
        estimated: {},
        revealed: false,
      })
      for (const picker of ['owner', 'editor', 'voter'] as const) {
        expect((await estimate(people[picker], 5)).status, `${picker} in ${role}'s round`).toBe(200)
      }
      const viewerPick = await estimate(people.viewer, 5)
      expect(viewerPick.status).toBe(403)
      for (const who of [outsider, nobody]) expect((await estimate(who, 5)).status).toBe(404)
      for (const refused of ['voter', 'viewer'] as const) {
        expect((await reveal(people[refused])).status, refused).toBe(403)
        expect((await accept(people[refused], 5)).status, refused).toBe(403)
        expect((await close(people[refused])).status, refused).toBe(403)
      }
      for (const who of [outsider, nobody]) {
        expect((await reveal(who)).status).toBe(404)
        expect((await accept(who, 5)).status).toBe(404)
        expect((await close(who)).status).toBe(404)
      }
      for (const reader of ['owner', 'editor', 'voter', 'viewer'] as const) {
        expect((await read(people[reader])).status, reader).toBe(200)
      }
      expect((await reveal(people[role])).status, role).toBe(200)
      expect((await close(people[role])).body, role).toEqual({ round: null, mine: null })
    }
  })

  it('400 for a malformed body; 404 for a card not on the board; one round at a time (409)', async () => {
    const { port, path, people, open, estimate, accept } = await workshop()
    for (const body of [
      {},
      { cardId: 'shape:a' },
      { cardId: 'shape:a', deck: 'tarot' },
      { cardId: '', deck: 'fibonacci' },
      { cardId: 7, deck: 'fibonacci' },
      [],
    ]) {
      const refused = await open(people.owner, body)
      expect(refused.status, JSON.stringify(body)).toBe(400)
      expect(refused.body.error.code, JSON.stringify(body)).toBe('invalid_body')
    }
    const malformed = await api(port, path, {
      method: 'POST',
      raw: '{"cardId": ',
      cookie: people.owner.cookie,
    })
    expect(malformed.status).toBe(400)
    expect(malformed.body.error).toEqual({ code: expect.any(String), message: expect.any(String) })
    for (const value of [null, '', {}, [5], 'way too long a face']) {
      expect((await estimate(people.voter, value)).status, JSON.stringify(value)).toBe(400)
      expect((await accept(people.owner, value)).status, JSON.stringify(value)).toBe(400)
    }

    const missing = await open(people.owner, { cardId: 'shape:zzz', deck: 'fibonacci' })
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('card_not_found')
    expect((await open(people.owner, { cardId: 'page:page', deck: 'fibonacci' })).status).toBe(404)
    expect((await open(people.owner, { cardId: 'shape:a', deck: 'tshirt' })).status).toBe(201)
    const second = await open(people.editor, { cardId: 'shape:b', deck: 'fibonacci' })
    expect(second.status).toBe(409)
    expect(second.body.error.code).toBe('round_open')
  })

  it('409 to a pick with no round, a face not in the deck, or after the reveal; to accepting too early or ?', async () => {
    const { people, open, estimate, reveal, accept } = await workshop()
    const none = await estimate(people.voter, 3)
    expect(none.status).toBe(409)
    expect(none.body.error.code).toBe('no_round')
    expect((await reveal(people.owner)).status).toBe(409)
    expect((await accept(people.owner, 3)).status).toBe(409)

    await open(people.owner, { cardId: 'shape:a', deck: 'tshirt' })
    for (const value of [3, '3', 'XXL', 'xs', 'toString']) {
      const refused = await estimate(people.voter, value)
      expect(refused.status, String(value)).toBe(409)
      expect(refused.body.error.code, String(value)).toBe('not_in_deck')
    }
    expect((await estimate(people.voter, 'XL')).body.mine).toBe('XL')
    const early = await accept(people.owner, 'XL')
    expect(early.status).toBe(409)
    expect(early.body.error.code).toBe('round_not_revealed')
    expect((await reveal(people.owner)).status).toBe(200)
    const late = await estimate(people.voter, 'S')
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('round_revealed')
    for (const value of ['?', '5', 'XXL']) {
      const refused = await accept(people.owner, value)
      expect(refused.status, value).toBe(409)
      expect(refused.body.error.code, value).toBe('not_in_deck')
    }
  })

  it('before the reveal no pick is in any document byte, answer, backlog or export', async () => {
    const { running, port, boardId, people, second, open, estimate, close, read } = await workshop()
    const viewerClient = connectClient(port, boardId, { cookie: people.viewer.cookie })
    cleanup(() => viewerClient.destroy())
    await waitForSync(viewerClient)
    const pickers = [people.owner, people.editor, people.voter, second]
    const watchers = [...pickers, people.viewer]
    const boardPath = `/api/boards/${boardId}`
    const sorted = (record: Record<string, string> = {}) => JSON.stringify(Object.entries(record).sort())

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<PokerDeck>('fibonacci', 'tshirt'),
        fc.array(fc.record({ who: fc.nat({ max: pickers.length - 1 }), face: fc.nat() }), { maxLength: 8 }),
        async (deck, moves) => {
          await close(people.owner)
          expect((await open(people.editor, { cardId: 'shape:a', deck })).status).toBe(201)
          const faces = POKER_DECKS[deck] as readonly string[]
          // Every pick ever made, a changed one too: none may show.
          const made: [string, string][] = []
          const last = new Map<string, string>()
          for (const { who, face } of moves) {
            const picker = pickers[who] as Person
            const value = faces[face % faces.length] as string
            expect((await estimate(picker, value)).status).toBe(200)
            made.push([picker.id, value])
            last.set(picker.id, value)
          }
          const names = Object.fromEntries(
            pickers.filter((person) => last.has(person.id)).map((person) => [person.id, person.name]),
          )
          await waitFor(() => sorted(pokerRoundOf(viewerClient.doc)?.estimated) === sorted(names), {
            message: 'who has picked to reach the viewer',
          })
          for (const doc of [running.sync.peekRoom(boardId)?.doc as Y.Doc, viewerClient.doc]) {
            expect(holdsPick(Buffer.from(Y.encodeStateAsUpdate(doc)), made)).toBe(false)
          }
          const round = viewerClient.doc.getMap(POKER_KEY).toJSON().round as PokerRound
          expect(Object.keys(round).sort()).toEqual(
            ['cardId', 'deck', 'estimated', 'id', 'openedAt', 'openedBy', 'openedByName', 'revealed'].sort(),
          )
          for (const watcher of watchers) {
            const answer = await read(watcher)
            expect(answer.body.mine).toBe(last.get(watcher.id) ?? null)
            expect(answer.body.round).toEqual(round)
          }
          for (const route of ['backlog', 'backlog.csv', 'backlog.md', 'export']) {
            const answer = await api(port, `${boardPath}/${route}`, { cookie: people.viewer.cookie })
            const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)
            expect(holdsPick(Buffer.from(text), made), route).toBe(false)
          }
          const backlog = await api(port, `${boardPath}/backlog`, { cookie: people.viewer.cookie })
          expect(backlog.body.items.map((item: { estimate: unknown }) => item.estimate)).toEqual([null, null])
        },
      ),
      { numRuns: 12 },
    )
  })

  it('the reveal shows every pick at once; accepting writes the points into the card and ends the round', async () => {
    const { port, boardId, people, second, ownerClient, open, estimate, reveal, accept, read } =
      await workshop()
    const voterClient = connectClient(port, boardId, { cookie: people.voter.cookie })
    cleanup(() => voterClient.destroy())
    await waitForSync(voterClient)

    await open(people.owner, { cardId: 'shape:b', deck: 'tshirt' })
    await estimate(people.voter, 'S')
    await estimate(second, 'XL')
    await estimate(people.voter, 'M')
    const revealed = await reveal(people.editor)
    expect(revealed.body.round.values).toEqual({ [people.voter.id]: 'M', [second.id]: 'XL' })
    expect(revealed.body.round.estimated).toEqual({ [people.voter.id]: 'voter', [second.id]: 'Vera' })
    expect(revealed.body.mine).toBeNull()
    expect((await read(second)).body.mine).toBe('XL')
    await waitFor(() => pokerRoundOf(voterClient.doc)?.revealed === true, { message: 'the reveal' })
    expect(pokerRoundOf(voterClient.doc)?.values).toEqual(revealed.body.round.values)
    // Revealing twice changes nothing.
    expect((await reveal(people.owner)).body.round).toEqual(revealed.body.round)

    const accepted = await accept(people.editor, 'L')
    expect(accepted.body).toEqual({ cardId: 'shape:b', value: 'L', estimate: 5 })
    await waitFor(() => estimateOf(voterClient.doc, 'shape:b') === 5, { message: 'the estimate on the card' })
    expect(pokerRoundOf(voterClient.doc)).toBeNull()
    expect(estimateOf(ownerClient.doc, 'shape:a')).toBeNull()
    const backlog = await api(port, `/api/boards/${boardId}/backlog`, { cookie: people.viewer.cookie })
    expect(
      backlog.body.items.map((item: { id: string; estimate: unknown }) => [item.id, item.estimate]),
    ).toEqual([
      ['shape:a', null],
      ['shape:b', 5],
    ])

    // A new round on the same board starts clean: nobody's last pick carries over.
    await open(people.owner, { cardId: 'shape:a', deck: 'fibonacci' })
    expect((await read(people.voter)).body).toMatchObject({ mine: null, round: { estimated: {} } })
    await estimate(people.voter, 13)
    await reveal(people.owner)
    expect((await accept(people.owner, 13)).body.estimate).toBe(13)
    await waitFor(() => estimateOf(voterClient.doc, 'shape:a') === 13)
  })

  it('accepting on a card deleted meanwhile is a 404, and closing then ends the round', async () => {
    const { people, ownerClient, open, estimate, reveal, accept, close, read } = await workshop()
    await open(people.owner, { cardId: 'shape:a', deck: 'fibonacci' })
    await estimate(people.editor, 8)
    await reveal(people.owner)
    getRecords(ownerClient.doc).delete('shape:a')
    await waitFor(async () => (await accept(people.owner, 8)).status === 404, {
      message: 'the deletion to reach the server',
    })
    const refused = await accept(people.owner, 8)
    expect(refused.body.error.code).toBe('card_not_found')
    expect((await read(people.voter)).body.round.cardId).toBe('shape:a')
    expect((await close(people.editor)).status).toBe(200)
    expect((await read(people.voter)).body.round).toBeNull()
    expect((await close(people.editor)).status).toBe(200)
  })

  it('a client cannot write the round: an editor forging a reveal is refused and nothing of it is kept', async () => {
    const { running, port, boardId, people, open, estimate, read } = await workshop()
    await open(people.owner, { cardId: 'shape:a', deck: 'fibonacci' })
    await estimate(people.voter, 8)
    const forger = connectClient(port, boardId, { cookie: people.editor.cookie })
    cleanup(() => forger.destroy())
    await waitFor(() => pokerRoundOf(forger.doc) !== null, { message: 'the round to reach the editor' })
    const closed = new Promise((resolve) =>
      forger.provider.once('connection-close', (event) => resolve(event?.code)),
    )
    const round = pokerRoundOf(forger.doc) as PokerRound
    forger.doc
      .getMap(POKER_KEY)
      .set(ROUND_KEY, { ...round, revealed: true, values: { [people.editor.id]: '1' } })
    expect(await closed).toBe(CloseCode.ServerOwnedWrite)
    expect(pokerRoundOf(running.sync.peekRoom(boardId)?.doc as Y.Doc)).toEqual(round)
    expect((await read(people.viewer)).body.round).toEqual(round)
  })

  it('a round and everyone’s picks survive a restart of the server, still hidden', async () => {
    const { boardId, people, second, open, estimate, restart } = await workshop()
    await open(people.owner, { cardId: 'shape:a', deck: 'fibonacci' })
    await estimate(people.voter, 21)
    await estimate(second, '?')
    const again = await restart()
    const poker = pokerApi(again.port, boardId)
    const read = await poker.read(people.voter)
    expect(read.body.mine).toBe('21')
    expect(read.body.round).toMatchObject({ cardId: 'shape:a', revealed: false })
    expect(read.body.round.values).toBeUndefined()
    expect((await poker.read(second)).body.mine).toBe('?')
    const revealed = await poker.reveal(people.owner)
    expect(revealed.body.round.values).toEqual({ [people.voter.id]: '21', [second.id]: '?' })
  })
})

describe('planning poker across instances', () => {
  it('opened on A, picked on B, revealed on A: a client of B sees the values', async () => {
    const { a, b } = await twoInstances(cleanup)
    const { boardId, people } = await membersOfEveryRole(a.port)
    const onA = connectClient(a.port, boardId, { cookie: people.owner.cookie })
    cleanup(() => onA.destroy())
    await waitForSync(onA)
    await addCards(onA, ['a'])
    const onB = connectClient(b.port, boardId, { cookie: people.viewer.cookie })
    cleanup(() => onB.destroy())
    await waitFor(() => getRecords(onB.doc).has('shape:a'), { message: 'the card to reach B' })

    const pokerA = pokerApi(a.port, boardId)
    const pokerB = pokerApi(b.port, boardId)
    expect((await pokerA.open(people.owner, { cardId: 'shape:a', deck: 'fibonacci' })).status).toBe(201)
    await waitFor(async () => (await pokerB.estimate(people.voter, 3)).status === 200, {
      message: 'the round to reach B',
    })
    expect((await pokerB.estimate(people.editor, 8)).status).toBe(200)
    // A second round cannot open on B while A's is open.
    expect((await pokerB.open(people.editor, { cardId: 'shape:a', deck: 'tshirt' })).status).toBe(409)
    await waitFor(() => Object.keys(pokerRoundOf(onA.doc)?.estimated ?? {}).length === 2, {
      message: 'who has picked to reach A',
    })
    expect((await pokerA.reveal(people.owner)).body.round.values).toEqual({
      [people.voter.id]: '3',
      [people.editor.id]: '8',
    })
    await waitFor(() => pokerRoundOf(onB.doc)?.values?.[people.editor.id] === '8', {
      message: 'the values to reach B’s client',
    })
    expect((await pokerB.accept(people.editor, 5)).status).toBe(200)
    await waitFor(() => estimateOf(onA.doc, 'shape:a') === 5, { message: 'the estimate to reach A’s client' })
  })
})
