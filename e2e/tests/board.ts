import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  expect,
  type Page,
} from '@playwright/test'

/** One person at the board: their own browser context, so nothing is shared but the server. */
export interface Person {
  context: BrowserContext
  page: Page
}

let people = 0

/** A new person with an account, signed in in their own browser context (`options`: their browser's settings). */
export async function signedUp(
  browser: Browser,
  name: string,
  options: BrowserContextOptions = {},
): Promise<Person> {
  const context = await browser.newContext(options)
  people++
  const response = await context.request.post('/api/auth/signup', {
    data: {
      email: `${name.toLowerCase()}.${people}.${Date.now()}@example.com`,
      password: 'correct horse battery',
      name,
    },
  })
  expect(response.status()).toBe(201)
  const page = await context.newPage()
  page.on('pageerror', (error) => console.error(`[${name}: page error] ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`[${name}: console] ${message.text()}`)
  })
  return { context, page }
}

export async function createBoard(person: Person, title = 'Checkout journey'): Promise<string> {
  const response = await person.context.request.post('/api/boards', { data: { title } })
  expect(response.status()).toBe(201)
  return (await response.json()).id
}

/** An invite link for `role` on the owner's board. */
export async function inviteLink(owner: Person, boardId: string, role: string): Promise<string> {
  const response = await owner.context.request.post(`/api/boards/${boardId}/invites`, { data: { role } })
  expect(response.status()).toBe(201)
  return (await response.json()).url
}

/** Joins with an invite through the API (the join page has its own test). */
export async function join(person: Person, url: string): Promise<void> {
  const token = new URL(url).pathname.split('/').pop()
  const response = await person.context.request.post(`/api/invites/${token}/accept`, { data: {} })
  expect(response.status()).toBe(200)
}

export async function openBoard(person: Person, boardId: string): Promise<void> {
  await person.page.goto(`/b/${boardId}`)
  await expectConnected(person.page)
}

/** An owner with a new board, and an editor on it, both with the board open. */
export async function twoPeopleOnABoard(
  browser: Browser,
): Promise<{ alice: Person; bob: Person; boardId: string }> {
  const alice = await signedUp(browser, 'Alice')
  const bob = await signedUp(browser, 'Bob')
  const boardId = await createBoard(alice)
  await join(bob, await inviteLink(alice, boardId, 'editor'))
  await openBoard(alice, boardId)
  await openBoard(bob, boardId)
  return { alice, bob, boardId }
}

export async function expectConnected(page: Page): Promise<void> {
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected')
}

/** The shapes on the page's canvas; none while the editor is not mounted yet (after a reload). */
export function shapes(page: Page) {
  return page.evaluate(() =>
    (window.refinery?.editor.getCurrentPageShapes() ?? []).map((shape) => ({
      id: shape.id,
      type: shape.type,
      x: Math.round(shape.x),
      y: Math.round(shape.y),
    })),
  )
}

/** The collaborators whose cursors this page's editor draws (on a canvas overlay, so not in the DOM). */
export function collaboratorCursors(page: Page) {
  return page.evaluate(() =>
    (window.refinery?.editor.getVisibleCollaboratorsOnCurrentPage() ?? [])
      .filter((presence) => presence.cursor)
      .map((presence) => ({ name: presence.userName, x: presence.cursor?.x, y: presence.cursor?.y })),
  )
}

/** Selects a shape as a click on it would (a typed call here would make TypeScript expand all of Editor). */
export async function selectShape(page: Page, id: string): Promise<void> {
  await page.evaluate((shapeId) => {
    const editor = window.refinery?.editor as { setSelectedShapes(ids: string[]): unknown } | undefined
    editor?.setSelectedShapes([shapeId])
  }, id)
}

/** The screen point of a shape's centre in this page's viewport. */
export function shapeCentreOnScreen(page: Page, id: string) {
  return page.evaluate((shapeId) => {
    const editor = window.refinery?.editor
    if (!editor) throw new Error('the editor is not mounted')
    const bounds = editor.getShapePageBounds(shapeId as never)
    if (!bounds) throw new Error(`no shape ${shapeId}`)
    return editor.pageToViewport(bounds.center)
  }, id)
}

export async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y)
  await page.mouse.down()
  await page.mouse.move(to.x, to.y, { steps: 8 })
  await page.mouse.up()
}

/** The screen point of a page point, where a click with a story-map tool drops its shape. */
export function pageToScreen(page: Page, x: number, y: number) {
  return page.evaluate(([px, py]) => window.refinery!.editor.pageToViewport({ x: px, y: py }), [
    x,
    y,
  ] as const)
}

/** Drops a story-map shape with its tool, picked from the toolbar or with its shortcut, at a page point. */
export async function dropShape(
  page: Page,
  pick: 'toolbar' | 'shortcut',
  type: string,
  at: { x: number; y: number },
) {
  if (pick === 'toolbar') await page.getByTestId(`tools.${type}`).click()
  else {
    // Shortcuts reach the canvas only when no field has the keyboard.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press({ 'story-card': 'c', 'journey-step': 'j', 'release-slice': 's' }[type] ?? '')
  }
  const before = new Set((await shapes(page)).map((shape) => shape.id))
  const point = await pageToScreen(page, at.x, at.y)
  await page.mouse.click(point.x, point.y)
  await expect.poll(async () => (await shapes(page)).filter((shape) => !before.has(shape.id))).toHaveLength(1)
  const added = (await shapes(page)).find((shape) => !before.has(shape.id))
  if (!added || added.type !== type) throw new Error(`no new ${type}`)
  // A plain string: the branded shape id type is too deep for Playwright's argument types.
  // The panel opens on the new shape, which is selected.
  await expect(page.getByTestId('story-map-panel')).toBeVisible()
  return { id: `${added.id}`, x: added.x, y: added.y }
}

/** A shape's box in page coordinates: its position plus its parents', as the backlog reads it. */
export function pageBounds(page: Page, id: string) {
  return page.evaluate((shapeId) => {
    const bounds = window.refinery?.editor.getShapePageBounds(shapeId as never)
    if (!bounds) throw new Error(`no shape ${shapeId}`)
    return { x: bounds.x, y: bounds.y, w: bounds.w, h: bounds.h }
  }, id)
}
