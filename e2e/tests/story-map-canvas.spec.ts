import { expect, type Page, test } from '@playwright/test'
import {
  createBoard,
  dropShape,
  openBoard,
  type Person,
  pageBounds,
  selectShape,
  shapes,
  signedUp,
} from './board'

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
