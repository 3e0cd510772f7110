import { expect, type Page } from '@playwright/test'
import {
  createBoard,
  drag,
  dropShape,
  openBoard,
  type Person,
  pageBounds,
  selectShape,
  shapeCentreOnScreen,
  shapes,
  signedUp,
} from './board'
import { test } from './fixtures'

type Bounds = Awaited<ReturnType<typeof pageBounds>>

async function onNewBoard(person: Person, camera: { x: number; y: number; z: number }) {
  await openBoard(person, await createBoard(person, 'Workshop map'))
  await person.page.evaluate((at) => {
    window.refinery!.editor.setCamera(at)
  }, camera)
}

/** Every shape of a type on the page, with its page box. */
async function boundsOf(page: Page, type: string) {
  const ids = (await shapes(page)).filter((shape) => shape.type === type).map((shape) => `${shape.id}`)
  return Promise.all(ids.map(async (id) => ({ id, ...(await pageBounds(page, id)) })))
}

const overlap = (a: Bounds, b: Bounds) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h

/** The shape people see at a page point: the topmost one there. */
function topShapeAt(page: Page, point: { x: number; y: number }) {
  return page.evaluate(
    (at) => `${window.refinery!.editor.getShapeAtPoint(at, { hitInside: true })?.id ?? ''}`,
    point,
  )
}

/** Every card is a card of its own: no two overlap, and each is the shape on top at its centre, on screen. */
async function expectEveryCardInSight(page: Page, count: number) {
  await expect.poll(async () => (await boundsOf(page, 'story-card')).length).toBe(count)
  const cards = await boundsOf(page, 'story-card')
  for (const [index, card] of cards.entries()) {
    for (const other of cards.slice(index + 1))
      expect(overlap(card, other), `${card.id} / ${other.id}`).toBe(false)
    expect(await topShapeAt(page, { x: card.x + card.w / 2, y: card.y + card.h / 2 })).toBe(card.id)
    await expect(page.locator(`[data-shape-id="${card.id}"]`)).toBeInViewport()
  }
}

/** Hands the keyboard back to the canvas, as Escape in a panel field does. */
async function leaveField(page: Page) {
  await page.keyboard.press('Escape')
  await expect(page.locator('.story-map-panel :focus')).toHaveCount(0)
}

test('a pasted or duplicated story card never hides under another card', async ({ browser }) => {
  const fay = await signedUp(browser, 'Fay')
  await fay.context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await onNewBoard(fay, { x: 100, y: 100, z: 0.6 })
  const page = fay.page

  // Two steps side by side, a card under each, at the same height.
  await dropShape(page, 'toolbar', 'journey-step', { x: 120, y: 50 })
  await dropShape(page, 'toolbar', 'journey-step', { x: 380, y: 50 })
  const login = await dropShape(page, 'toolbar', 'story-card', { x: 120, y: 300 })
  await page.getByLabel('Title').fill('Social login')
  await leaveField(page)
  await dropShape(page, 'toolbar', 'story-card', { x: 380, y: 300 })
  await leaveField(page)

  // Copied once and pasted twice (tldraw pastes in place while the original is in view): each copy
  // goes down the column, below the cards already there.
  await selectShape(page, login.id)
  await page.keyboard.press('Control+c')
  await expect.poll(() => page.evaluate(async () => (await navigator.clipboard.read()).length)).toBe(1)
  await page.keyboard.press('Control+v')
  await expectEveryCardInSight(page, 3)
  await page.keyboard.press('Control+v')
  await expectEveryCardInSight(page, 4)
  const column = (await boundsOf(page, 'story-card')).filter((card) => card.x === 0)
  expect(column.map((card) => card.y).sort((a, b) => a - b)).toEqual([225, 395, 565])

  // Duplicated, tldraw moves the copy one card width to the right, onto the next column's card:
  // it goes below that card instead.
  await selectShape(page, login.id)
  await page.keyboard.press('Control+d')
  await expectEveryCardInSight(page, 5)
})

test('a story card or journey step drags while selected, just placed or being edited; a double-click edits it', async ({
  browser,
}) => {
  const ed = await signedUp(browser, 'Ed')
  await onNewBoard(ed, { x: 100, y: 100, z: 1 })
  const page = ed.page
  const editing = () => page.evaluate(() => window.refinery!.editor.getEditingShapeId() ?? null)

  for (const [type, title] of [
    ['story-card', 'Social login'],
    ['journey-step', 'Sign up'],
  ] as const) {
    const shape = await dropShape(page, 'toolbar', type, { x: 200, y: 150 })
    const placed = await pageBounds(page, shape.id)
    const x = async () => (await pageBounds(page, shape.id)).x

    // Pressed where it was just placed and dragged at once, the new, selected shape moves: the click
    // that placed it and this press are not a double-click.
    const centre = await shapeCentreOnScreen(page, shape.id)
    await drag(page, centre, { x: centre.x + 150, y: centre.y + 100 })
    await expect.poll(x).toBeCloseTo(placed.x + 150, 0)
    expect((await pageBounds(page, shape.id)).y).toBeCloseTo(placed.y + 100, 0)
    expect(await editing()).toBeNull()

    // A double-click edits it: the panel's first field takes the typing.
    const moved = await shapeCentreOnScreen(page, shape.id)
    await page.mouse.dblclick(moved.x, moved.y)
    await expect.poll(editing).toBe(shape.id)
    await page.keyboard.type(title)
    await expect(page.getByLabel('Title')).toHaveValue(title)

    // Pressed and dragged while it is being edited, it moves too, and the editing ends.
    await drag(page, moved, { x: moved.x - 100, y: moved.y })
    await expect.poll(x).toBeCloseTo(placed.x + 50, 0)
    expect(await editing()).toBeNull()
    await expect(page.getByTestId('story-map-panel').getByLabel('Title')).toHaveValue(title)
    // Out of the way of the next shape.
    await page.evaluate((id) => {
      window.refinery!.editor.deleteShapes([id as never])
    }, shape.id)
  }
})

test('release slices stretch to span every journey step, also one added right of the lanes', async ({
  browser,
}) => {
  const sue = await signedUp(browser, 'Sue')
  await onNewBoard(sue, { x: 1000, y: 800, z: 0.2 })
  const page = sue.page
  const spans = (slices: Bounds[], step: Bounds) => {
    for (const slice of slices) {
      expect(slice.x).toBeLessThanOrEqual(step.x)
      expect(slice.x + slice.w).toBeGreaterThanOrEqual(step.x + step.w)
    }
  }

  // A step far to the right of where the first slice would reach (2000 wide, centred on its drop):
  // the slices people add span it all the same.
  await dropShape(page, 'toolbar', 'journey-step', { x: 120, y: 50 })
  const far = await dropShape(page, 'toolbar', 'journey-step', { x: 2000, y: 50 })
  const mvp = await dropShape(page, 'toolbar', 'release-slice', { x: 120, y: 400 })
  const later = await dropShape(page, 'shortcut', 'release-slice', { x: 120, y: 900 })
  spans(await boundsOf(page, 'release-slice'), await pageBounds(page, far.id))

  // One more slice, in a frame that starts right of the first step: it is compared on the page.
  const framed = await page.evaluate(() => {
    const editor = window.refinery!.editor
    editor.createShape({ type: 'frame', x: 500, y: 1200, props: { w: 1000, h: 500 } })
    const frame = editor.getCurrentPageShapes().find((shape) => shape.type === 'frame')
    if (!frame) throw new Error('no frame')
    editor.createShape({
      type: 'release-slice',
      parentId: frame.id,
      x: 0,
      y: 50,
      props: { w: 800, h: 400 },
    } as never)
    return { frame: `${frame.id}`, slice: `${editor.getSortedChildIdsForParent(frame.id)[0]}` }
  })

  // A new step right of the lanes widens them.
  const added = await dropShape(page, 'toolbar', 'journey-step', { x: 2600, y: 50 })
  const step = await pageBounds(page, added.id)
  await expect.poll(async () => (await pageBounds(page, mvp.id)).w).toBeGreaterThan(3000)
  spans(await boundsOf(page, 'release-slice'), step)

  // Dragged further right, it takes them along.
  const centre = await shapeCentreOnScreen(page, added.id)
  await drag(page, centre, { x: centre.x + 80, y: centre.y })
  await expect.poll(async () => (await pageBounds(page, added.id)).x).toBeGreaterThan(step.x + 300)
  spans(await boundsOf(page, 'release-slice'), await pageBounds(page, added.id))

  // The lanes' left edges stay where they were, but the framed one's, which reaches the first step now,
  // in its frame still.
  expect((await pageBounds(page, mvp.id)).x).toBe(-880)
  expect((await pageBounds(page, later.id)).x).toBe(-880)
  expect((await pageBounds(page, framed.slice)).x).toBe(0)
  expect(
    await page.evaluate((id) => `${window.refinery!.editor.getShape(id as never)?.parentId}`, framed.slice),
  ).toBe(framed.frame)
})
