import { expect, type Page } from '@playwright/test'
import {
  createBoard,
  drag,
  expectConnected,
  inviteLink,
  join,
  openBoard,
  type Person,
  selectShape,
  shapeCentreOnScreen,
  shapes,
  signedUp,
} from './board'
import { test } from './fixtures'

const BACKBONE = ['shape:sign-up', 'shape:pay', 'shape:mvp'] as const
const STEP = 'shape:pay'

/** Where a shape is on this page, or null when the page does not have it. */
async function placeOf(page: Page, id: string) {
  return (await shapes(page)).find((shape) => shape.id === id) ?? null
}

/** Draws a story card as a marker: once everyone has it, they have everything this page sent before it. */
async function addMarker(page: Page, id: string) {
  await page.evaluate((markerId) => {
    const editor = window.refinery?.editor as unknown as { createShape(shape: object): void }
    editor.createShape({ id: markerId, type: 'story-card', x: 700, y: 700 })
  }, id)
}

async function expectEveryoneHas(people: Person[], id: string) {
  for (const { page } of people) await expect.poll(() => placeOf(page, id)).not.toBeNull()
}

async function dragBy(page: Page, id: string, dx: number, dy: number) {
  const from = await shapeCentreOnScreen(page, id)
  await drag(page, from, { x: from.x + dx, y: from.y + dy })
}

// Three people in three browsers on two shared cores: more than the default minute.
test.setTimeout(120_000)

test('an owner locks the backbone in one click: an editor can neither move nor delete a journey step until it is unlocked', async ({
  browser,
}) => {
  const olive = await signedUp(browser, 'Olive')
  const eddie = await signedUp(browser, 'Eddie')
  const vic = await signedUp(browser, 'Vic')
  const everyone = [olive, eddie, vic]
  const boardId = await createBoard(olive, 'Locked backbone')
  await join(eddie, await inviteLink(olive, boardId, 'editor'))
  await join(vic, await inviteLink(olive, boardId, 'voter'))

  await openBoard(olive, boardId)
  await olive.page.evaluate(() => {
    const editor = window.refinery?.editor as unknown as { createShapes(shapes: object[]): void }
    editor.createShapes([
      { id: 'shape:sign-up', type: 'journey-step', x: 100, y: 100 },
      { id: 'shape:pay', type: 'journey-step', x: 400, y: 100 },
      { id: 'shape:mvp', type: 'release-slice', x: 0, y: 320 },
    ])
  })
  for (const person of [eddie, vic]) await openBoard(person, boardId)
  for (const id of BACKBONE) await expectEveryoneHas(everyone, id)

  await olive.page.getByTestId('lock-backbone').click()
  await expect(olive.page.getByTestId('unlock-backbone')).toBeVisible()
  for (const { page } of everyone) {
    await expect(page.getByTestId('lock-badge')).toHaveCount(BACKBONE.length)
    for (const id of BACKBONE)
      await expect(page.locator(`[data-testid="lock-badge"][data-shape-id="${id}"]`)).toHaveCount(1)
  }
  await expect(eddie.page.getByTestId('lock-backbone')).toHaveCount(0)
  await expect(vic.page.getByTestId('lock-backbone')).toHaveCount(0)

  // The editor drags the step, then selects it and presses Delete: nothing happens, and they are told why.
  const before = await placeOf(olive.page, STEP)
  // The notice shows for a few seconds: watch for it from before the drag, however slow the drag.
  const notice = eddie.page.waitForFunction(
    () => document.querySelector('[data-testid="lock-notice"]')?.textContent,
  )
  await dragBy(eddie.page, STEP, 160, 120)
  expect(await (await notice).jsonValue()).toBe('The facilitator locked this journey step')
  await selectShape(eddie.page, STEP)
  await eddie.page.keyboard.press('Delete')
  await eddie.page.evaluate((id) => {
    const editor = window.refinery?.editor as unknown as { deleteShapes(ids: string[]): void }
    editor.deleteShapes([id])
  }, STEP)
  await addMarker(eddie.page, 'shape:after-tries')
  await expectEveryoneHas(everyone, 'shape:after-tries')
  for (const { page } of everyone) expect(await placeOf(page, STEP)).toEqual(before)
  await expectConnected(eddie.page)

  // The owner still moves it, for everyone.
  await dragBy(olive.page, STEP, 100, 0)
  const moved = await placeOf(olive.page, STEP)
  expect(moved?.x).not.toBe(before?.x)
  for (const { page } of everyone) await expect.poll(() => placeOf(page, STEP)).toEqual(moved)

  await olive.page.getByTestId('unlock-backbone').click()
  for (const { page } of everyone) await expect(page.getByTestId('lock-badge')).toHaveCount(0)
  await dragBy(eddie.page, STEP, 0, 140)
  const movedByEditor = await placeOf(eddie.page, STEP)
  expect(movedByEditor?.y).not.toBe(moved?.y)
  for (const { page } of everyone) await expect.poll(() => placeOf(page, STEP)).toEqual(movedByEditor)
  await expectConnected(eddie.page)
})

test('a change that races a lock is refused, and the editor’s page puts the board back as the server holds it', async ({
  browser,
}) => {
  const olive = await signedUp(browser, 'Olive')
  const eddie = await signedUp(browser, 'Eddie')
  const boardId = await createBoard(olive, 'Raced lock')
  await join(eddie, await inviteLink(olive, boardId, 'editor'))
  await openBoard(olive, boardId)
  await olive.page.evaluate(() => {
    const editor = window.refinery?.editor as unknown as { createShape(shape: object): void }
    editor.createShape({ id: 'shape:pay', type: 'journey-step', x: 400, y: 100 })
  })
  await openBoard(eddie, boardId)
  await expectEveryoneHas([eddie], STEP)
  const before = await placeOf(olive.page, STEP)

  await olive.page.getByTestId('lock-backbone').click()
  await expect(eddie.page.getByTestId('lock-badge')).toHaveCount(1)
  // The page reloads the board from the server by itself.
  const reloaded = eddie.page.waitForEvent('framenavigated')
  // As a change made just before the lock arrived would: straight into the document, past the page's guard.
  await eddie.page.evaluate((id) => {
    const { ydoc } = window.refinery as unknown as {
      ydoc: { getMap(name: string): Map<string, { set(key: string, value: unknown): void }> }
    }
    ydoc.getMap('records').get(id)?.set('x', 999)
  }, STEP)

  await reloaded
  await expectConnected(eddie.page)
  await expect.poll(() => placeOf(eddie.page, STEP)).toEqual(before)
  await expect(eddie.page.getByTestId('lock-badge')).toHaveCount(1)
  expect(await placeOf(olive.page, STEP)).toEqual(before)
})
