import { getRecords, putRecord } from '@refinery/shared'
import { cardAt, slice, step, writeRecords } from '@refinery/shared/testing'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
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

/** Two steps, two slices, four cards, placed by the owner over a real socket. */
async function smallMap() {
  const running = await startTestServer()
  cleanup(() => running.close())
  const owner = await signUp(running.port, 'Olivia')
  const boardId = await createBoard(running.port, owner.cookie, 'Checkout, revisited')
  const client: TestClient = connectClient(running.port, boardId, { cookie: owner.cookie })
  cleanup(() => client.destroy())
  await waitForSync(client)
  writeRecords(client.doc, [
    step('s1', 0, 'Browse'),
    step('s2', 300, 'Pay'),
    slice('mvp', 150, 'MVP'),
    slice('r2', 600, 'Release 2'),
    // Under "Pay" in the MVP, a should; under "Browse" in the MVP, a must: the must ranks first.
    cardAt('pay-card', 420, 275, {
      title: 'Pay by card',
      moscow: 'should',
      estimate: 5,
      labels: ['payments'],
    }),
    cardAt('search', 120, 275, {
      title: 'Search, with "filters"',
      asA: 'shopper',
      iWant: 'to search',
      soThat: 'I find things',
      moscow: 'must',
      acceptance: ['finds by name', 'finds by tag'],
      labels: ['search', 'ux'],
    }),
    cardAt('wishlist', 120, 725, { title: 'Wishlist', moscow: 'could' }),
    cardAt('invoice', 420, 725, { title: 'Invoice PDF', moscow: 'could' }),
  ])
  await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').size === 8)
  const get = (path: string, cookie = owner.cookie) =>
    api(running.port, `/api/boards/${boardId}${path}`, { cookie })
  const vote = (cardId: string, dots: number) => castVote(running.port, owner.cookie, boardId, cardId, dots)
  return { running, owner, boardId, client, get, vote }
}

describe('the backlog of a board', () => {
  it('ranks by slice, then MoSCoW, then votes, and links back to each card', async () => {
    const { running, boardId, get, vote } = await smallMap()
    // Votes break the tie between the two "could" cards of Release 2.
    await vote('shape:invoice', 2)

    const backlog = (await get('/backlog')).body
    expect(backlog.items.map((item: { id: string }) => item.id)).toEqual([
      'shape:search',
      'shape:pay-card',
      'shape:invoice',
      'shape:wishlist',
    ])
    expect(backlog.items[0]).toMatchObject({
      rank: 1,
      title: 'Search, with "filters"',
      story: 'As a shopper, I want to search, so that I find things',
      acceptance: ['finds by name', 'finds by tag'],
      moscow: 'must',
      epic: 'Browse',
      release: 'MVP',
      url: `http://localhost:${running.port}/b/${boardId}?card=shape%3Asearch`,
    })
    expect(backlog.items[2]).toMatchObject({
      id: 'shape:invoice',
      votes: 2,
      epic: 'Pay',
      release: 'Release 2',
    })
  })

  it('follows every change: a vote re-ranks, a card edit after it shows, and a vote after that too', async () => {
    const { running, boardId, client, get, vote } = await smallMap()
    const ids = async () => (await get('/backlog')).body.items.map((item: { id: string }) => item.id)
    expect((await ids()).slice(2)).toEqual(['shape:wishlist', 'shape:invoice'])

    // A vote alone: the server keeps the shapes it read, and the ranking still moves.
    await vote('shape:invoice', 2)
    expect((await ids()).slice(2)).toEqual(['shape:invoice', 'shape:wishlist'])

    // A card edit after that vote must be read again.
    const wishlistProps = getRecords(client.doc).get('shape:wishlist')?.get('props') as Y.Map<unknown>
    wishlistProps.set('title', 'Wishlist, shared')
    const room = () => running.sync.peekRoom(boardId)?.doc
    await waitFor(() => {
      const props = getRecords(room() as Y.Doc)
        .get('shape:wishlist')
        ?.get('props') as Y.Map<unknown>
      return props.get('title') === 'Wishlist, shared'
    })
    const edited = (await get('/backlog')).body.items.find(
      (item: { id: string }) => item.id === 'shape:wishlist',
    )
    expect(edited).toMatchObject({ title: 'Wishlist, shared', votes: 0 })

    // And a vote after the edit ranks on the edited shapes.
    await vote('shape:wishlist', 3)
    const items = (await get('/backlog')).body.items
    expect(items.slice(2).map((item: { id: string; title: string }) => [item.id, item.title])).toEqual([
      ['shape:wishlist', 'Wishlist, shared'],
      ['shape:invoice', 'Invoice PDF'],
    ])
  })

  it('exports a Jira CSV whose rows match the ranking', async () => {
    const { get } = await smallMap()
    const response = await get('/backlog.csv')
    expect(response.status).toBe(200)
    const rows: string[][] = parse(response.body, { relaxColumnCount: false, bom: true })
    const [header, ...body] = rows
    expect(header).toEqual([
      'Issue ID',
      'Issue Type',
      'Summary',
      'Description',
      'Priority',
      'Story Points',
      'Labels',
      'Labels',
      'Parent',
      'Fix Version',
    ])
    const epics = body.filter((row) => row[1] === 'Epic')
    const stories = body.filter((row) => row[1] === 'Story')
    expect(body.indexOf(epics[epics.length - 1] as string[])).toBeLessThan(
      body.indexOf(stories[0] as string[]),
    )
    expect(epics.map((row) => row[2])).toEqual(['Browse', 'Pay'])
    expect(stories.map((row) => row[2])).toEqual([
      'Search, with "filters"',
      'Pay by card',
      'Wishlist',
      'Invoice PDF',
    ])
    const epicId = Object.fromEntries(epics.map((row) => [row[2], row[0]]))
    const search = stories[0] as string[]
    expect(search.slice(4)).toEqual(['Highest', '', 'search', 'ux', epicId.Browse, 'MVP'])
    expect((stories[1] as string[]).slice(4)).toEqual(['High', '5', 'payments', '', epicId.Pay, 'MVP'])
  })

  it('exports Markdown with a heading per release and the cards in rank order', async () => {
    const { get } = await smallMap()
    const markdown: string = (await get('/backlog.md')).body
    const lines = markdown.split('\n')
    const headings = lines.filter((line) => line.startsWith('## '))
    expect(headings).toEqual(['## MVP', '## Release 2'])
    const items = lines.filter((line) => line.startsWith('- '))
    expect(items[0]).toContain('Search')
    expect(items[1]).toContain('Pay by card')
  })

  it('skips a card with invalid props with a warning, never a 500', async () => {
    const { client, running, boardId, get } = await smallMap()
    client.doc.transact(() =>
      putRecord(
        getRecords(client.doc),
        cardAt('broken', 120, 275, { estimate: 'a lot', moscow: 'maybe' } as never),
      ),
    )
    await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').has('shape:broken') === true)
    const response = await get('/backlog')
    expect(response.status).toBe(200)
    expect(response.body.items).toHaveLength(4)
    expect(response.body.warnings).toEqual([expect.objectContaining({ shapeId: 'shape:broken' })])
  })
})

describe('finishing a board', () => {
  it('freezes a version whose backlog never changes afterwards', async () => {
    const { client, running, owner, boardId, get } = await smallMap()
    const finished = await api(running.port, `/api/boards/${boardId}/finish`, {
      method: 'POST',
      body: { name: 'Workshop 1' },
      cookie: owner.cookie,
    })
    expect(finished.status).toBe(201)
    const { versionId, backlog } = finished.body
    expect(backlog.versionId).toBe(versionId)

    // After the workshop, the wishlist moves into the MVP.
    const records = getRecords(client.doc)
    client.doc.transact(() => (records.get('shape:wishlist') as import('yjs').Map<unknown>).set('y', 200))
    await waitFor(async () => (await get('/backlog')).body.items[2].id === 'shape:wishlist', {
      message: 'the live backlog to follow the move',
    })

    const frozen = await get(`/versions/${versionId}/backlog`)
    expect(frozen.body).toEqual(backlog)
    const versions = (await get('/versions')).body.versions
    expect(versions).toEqual([expect.objectContaining({ id: versionId, name: 'Workshop 1', items: 4 })])
    expect((await get(`/versions/nope/backlog`)).status).toBe(404)
  })

  it('names every download by one scheme, a finished version’s after the version too', async () => {
    const { running, owner, boardId } = await smallMap()
    const finished = await api(running.port, `/api/boards/${boardId}/finish`, {
      method: 'POST',
      body: { name: 'Sprint 12: final' },
      cookie: owner.cookie,
    })
    const fileName = async (path: string) => {
      const response = await fetch(`http://localhost:${running.port}/api/boards/${boardId}${path}`, {
        headers: { cookie: owner.cookie },
      })
      return response.headers.get('content-disposition')
    }
    for (const [path, name] of [
      ['/backlog', 'checkout-revisited-backlog.json'],
      ['/backlog.csv', 'checkout-revisited-backlog.csv'],
      ['/backlog.md', 'checkout-revisited-backlog.md'],
      [`/versions/${finished.body.versionId}/backlog`, 'checkout-revisited-sprint-12-final-backlog.json'],
      [`/versions/${finished.body.versionId}/backlog.csv`, 'checkout-revisited-sprint-12-final-backlog.csv'],
      [`/versions/${finished.body.versionId}/backlog.md`, 'checkout-revisited-sprint-12-final-backlog.md'],
    ] as const) {
      expect(await fileName(path)).toBe(`attachment; filename="${name}"`)
    }
  })

  it('names versions when no name is given', async () => {
    const { running, owner, boardId } = await smallMap()
    const finish = () =>
      api(running.port, `/api/boards/${boardId}/finish`, { method: 'POST', body: {}, cookie: owner.cookie })
    expect((await finish()).body.name).toBe('Version 1')
    expect((await finish()).body.name).toBe('Version 2')
  })

  it('a voter reads the backlog but may not finish', async () => {
    const { running, owner, boardId } = await smallMap()
    const voter = await signUp(running.port, 'Vic')
    await addMember(running.port, owner.cookie, boardId, voter.cookie, 'voter')
    expect((await api(running.port, `/api/boards/${boardId}/backlog`, { cookie: voter.cookie })).status).toBe(
      200,
    )
    const refused = await api(running.port, `/api/boards/${boardId}/finish`, {
      method: 'POST',
      body: {},
      cookie: voter.cookie,
    })
    expect(refused.status).toBe(403)
  })
})

describe('comparing refinements', () => {
  const finish = (port: number, cookie: string, boardId: string, name: string) =>
    api(port, `/api/boards/${boardId}/finish`, { method: 'POST', body: { name }, cookie })

  it('names what changed between two versions, and since a version on the live board, with before and after', async () => {
    const { client, running, owner, boardId, get } = await smallMap()
    const first = (await finish(running.port, owner.cookie, boardId, 'Workshop 1')).body.versionId
    const records = getRecords(client.doc)
    client.doc.transact(() => {
      // The wishlist moves into the MVP, the card payment is re-estimated, the invoice goes, a card comes.
      ;(records.get('shape:wishlist') as Y.Map<unknown>).set('y', 200)
      ;((records.get('shape:pay-card') as Y.Map<unknown>).get('props') as Y.Map<unknown>).set('estimate', 8)
      records.delete('shape:invoice')
      putRecord(records, cardAt('refund', 420, 725, { title: 'Refunds' }))
    })
    await waitFor(async () =>
      (await get('/backlog')).body.items.some((item: { id: string }) => item.id === 'shape:refund'),
    )
    const second = (await finish(running.port, owner.cookie, boardId, 'Workshop 2')).body.versionId

    for (const against of [second, 'live']) {
      const diff = await get(`/versions/${first}/diff?against=${against}`)
      expect(diff.status).toBe(200)
      expect(diff.body.added.map((item: { id: string }) => item.id)).toEqual(['shape:refund'])
      expect(diff.body.removed.map((item: { id: string }) => item.id)).toEqual(['shape:invoice'])
      const changed = Object.fromEntries(
        diff.body.changed.map((entry: { id: string; changes: { field: string }[] }) => [
          entry.id,
          Object.fromEntries(entry.changes.map((change) => [change.field, change])),
        ]),
      )
      expect(changed['shape:pay-card']?.estimate).toEqual({ field: 'estimate', before: 5, after: 8 })
      expect(changed['shape:wishlist']?.release).toEqual({
        field: 'release',
        before: 'Release 2',
        after: 'MVP',
      })
      // Third before (first of Release 2) and third after (last of the MVP): no change of rank.
      expect(changed['shape:wishlist']?.rank).toBeUndefined()
      expect(changed['shape:search']).toBeUndefined()
    }
    // Backwards, what was added is what was removed.
    const back = await get(`/versions/${second}/diff?against=${first}`)
    expect(back.body.added.map((item: { id: string }) => item.id)).toEqual(['shape:invoice'])
  })

  it('answers 400 without `against`, 404 for a version of no board of yours, and nothing to non-members or without a session', async () => {
    const { running, owner, boardId, get } = await smallMap()
    const version = (await finish(running.port, owner.cookie, boardId, 'W1')).body.versionId
    expect((await get(`/versions/${version}/diff`)).status).toBe(400)
    expect((await get(`/versions/${version}/diff?against=v_nope`)).status).toBe(404)
    expect((await get(`/versions/v_nope/diff?against=live`)).status).toBe(404)
    expect((await get(`/versions/v_nope/board`)).status).toBe(404)
    const stranger = await signUp(running.port, 'Sam')
    expect((await get(`/versions/${version}/diff?against=live`, stranger.cookie)).status).toBe(404)
    expect((await get(`/versions/${version}/board`, stranger.cookie)).status).toBe(404)
    expect((await get(`/versions/${version}/board`, '')).status).toBe(404)
    // Another board's version is not found through this one.
    const other = await createBoard(running.port, owner.cookie, 'Other')
    const otherVersion = (await finish(running.port, owner.cookie, other, 'O1')).body.versionId
    expect((await get(`/versions/${otherVersion}/board`)).status).toBe(404)
  })

  it('gives the board as it was when finished, as a board file, to any member, and its items link there', async () => {
    const { client, running, owner, boardId, get } = await smallMap()
    const finished = (await finish(running.port, owner.cookie, boardId, 'Workshop 1')).body
    const records = getRecords(client.doc)
    client.doc.transact(() => records.delete('shape:search'))
    await waitFor(async () => (await get('/backlog')).body.items.length === 3)

    const viewer = await signUp(running.port, 'Vera')
    await addMember(running.port, owner.cookie, boardId, viewer.cookie, 'viewer')
    const file = await get(`/versions/${finished.versionId}/board`, viewer.cookie)
    expect(file.status).toBe(200)
    expect(file.body).toMatchObject({
      format: 'refinery-board',
      version: 1,
      title: 'Checkout, revisited · Workshop 1',
    })
    const search = file.body.records.find((record: { id: string }) => record.id === 'shape:search')
    expect(search.props).toMatchObject({
      title: 'Search, with "filters"',
      acceptance: ['finds by name', 'finds by tag'],
    })
    expect(finished.backlog.items[0].url).toBe(
      `http://localhost:${running.port}/b/${boardId}/versions/${finished.versionId}?card=shape%3Asearch`,
    )
  })
})

describe('the story-map template', () => {
  it('starts a board with journey steps and the slices MVP, Release 2 and Later, as valid records', async () => {
    const running = await startTestServer()
    cleanup(() => running.close())
    const owner = await signUp(running.port)
    const created = await api(running.port, '/api/boards', {
      method: 'POST',
      body: { title: 'Mapped', template: 'story-map' },
      cookie: owner.cookie,
    })
    expect(created.status).toBe(201)
    const backlog = (
      await api(running.port, `/api/boards/${created.body.id}/backlog`, { cookie: owner.cookie })
    ).body
    expect(backlog.releases.map((release: { name: string }) => release.name)).toEqual([
      'MVP',
      'Release 2',
      'Later',
    ])
    expect(backlog.epics.length).toBeGreaterThanOrEqual(3)
    expect(backlog.warnings).toEqual([])

    const client = connectClient(running.port, created.body.id, { cookie: owner.cookie })
    cleanup(() => client.destroy())
    await waitFor(() => getRecords(client.doc).has('page:page'), {
      message: 'the template to reach a client',
    })
  })
})
