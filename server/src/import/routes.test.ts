import { readFileSync } from 'node:fs'
import { type BacklogItem, getRecords, putRecord, readRecords, STORY_CARD } from '@refinery/shared'
import { cardAt } from '@refinery/shared/testing'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import {
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
import { MAX_IMPORT_BYTES } from './routes'

const SAMPLE = readFileSync(new URL('../../../e2e/fixtures/jira-export.csv', import.meta.url), 'utf8')

const cleanup = cleanupAfterEach()
const engines = serverDataEngines(cleanup)

/** A backlog item as it is on any board: its link names the board, so it is left out. */
const portable = ({ url: _url, ...item }: BacklogItem) => item

describe.each(engines)('importing and exporting boards on %s', (_engine, storage) => {
  async function server() {
    const running = await startTestServer(await storage())
    cleanup(() => running.close())
    const port = running.port
    const upload = (cookie: string | undefined, raw: string, type: string, query = '') =>
      api(port, `/api/boards/import${query}`, {
        method: 'POST',
        raw,
        cookie,
        headers: { 'content-type': type },
      })
    const boardsOf = async (cookie: string) => (await api(port, '/api/boards', { cookie })).body.boards
    return { running, port, upload, boardsOf }
  }

  it('makes a board of a Jira export for anyone signed in, who owns it', async () => {
    const { port, upload, boardsOf } = await server()
    expect((await upload(undefined, SAMPLE, 'text/csv')).status).toBe(401)

    const zoe = await signUp(port, 'Zoë')
    const created = await upload(zoe.cookie, SAMPLE, 'text/csv; charset=utf-8', '?title=Webshop%20backlog')
    expect(created.status).toBe(201)
    expect(created.body).toEqual({ id: expect.any(String), title: 'Webshop backlog', role: 'owner' })
    expect(await boardsOf(zoe.cookie)).toMatchObject([{ id: created.body.id, role: 'owner' }])

    const backlog = (await api(port, `/api/boards/${created.body.id}/backlog`, { cookie: zoe.cookie })).body
    expect(backlog.epics.map((epic: { title: string }) => epic.title)).toEqual([
      'Browse the catalogue',
      'Checkout',
      'Notifications',
    ])
    expect(backlog.items).toHaveLength(8)
    expect(backlog.items[0]).toMatchObject({ title: 'Search by name', jiraKey: 'SHOP-11', release: 'MVP' })
  })

  it('refuses a file it cannot read with the line and the reason, and makes nothing', async () => {
    const { port, upload, boardsOf } = await server()
    const zoe = await signUp(port, 'Zoë')
    const broken = SAMPLE.replace('Gift wrapping,SHOP-23', 'Gift wrapping SHOP-23')
    const refused = await upload(zoe.cookie, broken, 'text/csv')
    expect(refused.status).toBe(400)
    expect(refused.body.error).toEqual({
      code: 'unreadable_row',
      message:
        'Line 16 of the CSV file cannot be read: the row has a different number of cells than the header',
      line: 16,
      reason: 'the row has a different number of cells than the header',
    })

    const later = await upload(
      zoe.cookie,
      JSON.stringify({ format: 'refinery-board', version: 2 }),
      'application/json',
    )
    expect(later.status).toBe(400)
    expect(later.body.error.reason).toBe(
      'the file is a board file of version 2; this Refinery reads version 1',
    )
    const notJson = await upload(zoe.cookie, '{"format":', 'application/vnd.refinery.board+json')
    expect(notJson.body.error).toMatchObject({ code: 'invalid_board_file', reason: 'the file is not JSON' })
    const cardless = {
      format: 'refinery-board',
      version: 1,
      title: 'x',
      exportedAt: '',
      records: [{ id: 'a' }],
    }
    expect((await upload(zoe.cookie, JSON.stringify(cardless), 'application/json')).body.error.reason).toBe(
      'records.0.typeName: Invalid input: expected string, received undefined',
    )
    expect((await upload(zoe.cookie, 'a,b', 'text/plain')).status).toBe(415)
    expect((await upload(zoe.cookie, 'x'.repeat(MAX_IMPORT_BYTES + 1), 'text/csv')).status).toBe(413)
    expect(await boardsOf(zoe.cookie)).toEqual([])
  })

  it('hands the board file to members only, named after the board', async () => {
    const { port } = await server()
    const { boardId, people, outsider } = await membersOfEveryRole(port)
    const path = `/api/boards/${boardId}/export`
    for (const person of Object.values(people)) {
      const response = await fetch(`http://localhost:${port}${path}`, { headers: { cookie: person.cookie } })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/vnd.refinery.board+json')
      expect(response.headers.get('content-disposition')).toBe(
        'attachment; filename="workshop.refinery.json"',
      )
      expect(await response.json()).toMatchObject({ format: 'refinery-board', version: 1, title: 'Workshop' })
    }
    expect((await api(port, path, { cookie: outsider.cookie })).status).toBe(404)
    expect((await api(port, path)).status).toBe(404)
  })

  it('imports its own board file as a board with the same backlog, votes aside', async () => {
    const { port, upload } = await server()
    const zoe = await signUp(port, 'Zoë')
    const original = (await upload(zoe.cookie, SAMPLE, 'text/csv')).body.id
    await castVote(port, zoe.cookie, original, 'shape:card-8', 3)
    const file = (await api(port, `/api/boards/${original}/export`, { cookie: zoe.cookie })).body
    const copy = await upload(zoe.cookie, JSON.stringify(file), 'application/vnd.refinery.board+json')
    expect(copy.status).toBe(201)
    expect(copy.body.title).toBe(file.title)

    const backlogOf = async (id: string) =>
      (await api(port, `/api/boards/${id}/backlog`, { cookie: zoe.cookie })).body.items.map(portable)
    const copied = await backlogOf(copy.body.id)
    expect(copied.every((item: BacklogItem) => item.votes === 0)).toBe(true)
    await castVote(port, zoe.cookie, original, 'shape:card-8', 0)
    expect(copied).toEqual(await backlogOf(original))
  })

  it('gives every Jira key back on its story after refinement, and none to new cards', async () => {
    const { running, port, upload } = await server()
    const zoe = await signUp(port, 'Zoë')
    const boardId = (await upload(zoe.cookie, SAMPLE, 'text/csv')).body.id
    const client = connectClient(port, boardId, { cookie: zoe.cookie })
    cleanup(() => client.destroy())
    await waitForSync(client)

    // Refinement: a card renamed and moved to another epic, one estimated, one new card.
    const records = getRecords(client.doc)
    const cards = readRecords(client.doc).filter((record) => record.type === STORY_CARD)
    const byKey = (key: string) => cards.find((card) => (card.meta as { jiraKey?: string }).jiraKey === key)
    const wishlist = byKey('SHOP-13')
    const pay = byKey('SHOP-21')
    if (!wishlist || !pay) throw new Error('the sample lost a story')
    client.doc.transact(() => {
      putRecord(records, {
        ...wishlist,
        x: pay.x,
        props: { ...(wishlist.props as object), title: 'Wishlist, shared with friends' },
      })
      putRecord(records, { ...pay, props: { ...(pay.props as object), estimate: 13 } })
      putRecord(records, cardAt('apple-pay', 400, 300, { title: 'Pay with Apple Pay' }))
    })
    await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').has('shape:apple-pay') === true)

    const csv = (await api(port, `/api/boards/${boardId}/backlog.csv`, { cookie: zoe.cookie })).body
    const [header, ...rows]: string[][] = parse(csv, { bom: true })
    const column = (name: string) => header?.indexOf(name) ?? -1
    const keyOf = Object.fromEntries(rows.map((row) => [row[column('Summary')], row[column('Issue Key')]]))
    expect(keyOf).toEqual({
      'Browse the catalogue': 'SHOP-1',
      Checkout: 'SHOP-2',
      Notifications: '',
      'Search by name': 'SHOP-11',
      'Filter by size, colour and price': 'SHOP-12',
      'Wishlist, shared with friends': 'SHOP-13',
      'Pay by card': 'SHOP-21',
      'Invoice as PDF (日本語 too)': 'SHOP-22',
      'Gift wrapping': 'SHOP-23',
      'Order shipped e-mail': 'SHOP-31',
      'Fix typo on the 404 page': 'SHOP-40',
      'Pay with Apple Pay': '',
    })
    const wishlistRow = rows.find((row) => row[column('Issue Key')] === 'SHOP-13')
    const checkoutRow = rows.find((row) => row[column('Issue Key')] === 'SHOP-2')
    expect(wishlistRow?.[column('Parent')]).toBe(checkoutRow?.[column('Issue ID')])
    expect(rows.find((row) => row[column('Issue Key')] === 'SHOP-21')?.[column('Story Points')]).toBe('13')
  })
})
