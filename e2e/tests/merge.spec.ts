import { expect, type Page } from '@playwright/test'
import { drag, expectConnected, shapeCentreOnScreen, twoPeopleOnABoard } from './board'
import { test } from './fixtures'

/** A shape as this page's editor has it: parent, position, and where it is on the page, if anywhere. */
function shapeOn(page: Page, id: string) {
  return page.evaluate((shapeId) => {
    const editor = window.refinery?.editor
    const shape = editor?.getShape(shapeId as never)
    if (!editor || !shape) return null
    const bounds = editor.getShapePageBounds(shape)
    return {
      parentId: shape.parentId as string,
      x: Math.round(shape.x),
      y: Math.round(shape.y),
      onCurrentPage: editor.getCurrentPageShapeIds().has(shape.id),
      pageX: bounds ? Math.round(bounds.x) : null,
      pageY: bounds ? Math.round(bounds.y) : null,
    }
  }, id)
}

/** Adds a story card through the editor (a typed call would not know the app's own shape types). */
function addCard(page: Page, card: { x: number; y: number; title: string; parentId?: string }) {
  return page.evaluate(({ x, y, title, parentId }) => {
    const editor = window.refinery?.editor as unknown as {
      createShape(shape: object): unknown
      getCurrentPageShapes(): { id: string; type: string }[]
    }
    editor.createShape({ type: 'story-card', x, y, props: { title }, ...(parentId ? { parentId } : {}) })
    return editor.getCurrentPageShapes().find((shape) => shape.type === 'story-card')?.id as string
  }, card)
}

test('a card added offline into a frame someone deleted comes back on the page, for both', async ({
  browser,
}) => {
  const { alice, bob } = await twoPeopleOnABoard(browser)
  const frameId = await alice.page.evaluate(() => {
    const editor = window.refinery?.editor
    if (!editor) throw new Error('no editor')
    editor.createShape({ type: 'frame', x: 300, y: 200, props: { w: 600, h: 400, name: 'Checkout' } })
    return editor.getCurrentPageShapes().find((shape) => shape.type === 'frame')?.id as string
  })
  await expect.poll(() => shapeOn(bob.page, frameId)).not.toBeNull()

  // Bob, offline, adds a card into the frame; meanwhile Alice deletes the frame.
  await bob.context.setOffline(true)
  await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'offline')
  const cardId = await addCard(bob.page, { parentId: frameId, x: 40, y: 60, title: 'Pay by link' })
  await alice.page.evaluate((id) => window.refinery?.editor.deleteShapes([id as never]), frameId)
  await expect.poll(() => shapeOn(alice.page, frameId)).toBeNull()

  // Back online: both see the card on the page, where Bob put it (frame at 300, 200 + card at 40, 60).
  await bob.context.setOffline(false)
  await expectConnected(bob.page)
  const back = { parentId: 'page:page', x: 340, y: 260, onCurrentPage: true, pageX: 340, pageY: 260 }
  await expect.poll(() => shapeOn(bob.page, cardId)).toEqual(back)
  await expect.poll(() => shapeOn(alice.page, cardId)).toEqual(back)
  expect(await shapeOn(bob.page, frameId)).toBeNull()

  await alice.context.close()
  await bob.context.close()
})

test('two people who drag one card at once leave it where one of them put it', async ({ browser }) => {
  const { alice, bob } = await twoPeopleOnABoard(browser)
  const cardId = await addCard(alice.page, { x: 400, y: 300, title: 'Guest checkout' })
  await expect.poll(() => shapeOn(bob.page, cardId)).not.toBeNull()

  // Both apart, Alice drags it to the right, Bob drags it down.
  await alice.context.setOffline(true)
  await bob.context.setOffline(true)
  const from = await shapeCentreOnScreen(alice.page, cardId)
  await drag(alice.page, from, { x: from.x + 300, y: from.y })
  await drag(bob.page, await shapeCentreOnScreen(bob.page, cardId), { x: from.x, y: from.y + 250 })
  const alicePut = await shapeOn(alice.page, cardId)
  const bobPut = await shapeOn(bob.page, cardId)
  expect(alicePut?.x).toBeGreaterThan(600)
  expect(alicePut?.y).toBe(300)
  expect(bobPut?.x).toBe(400)
  expect(bobPut?.y).toBeGreaterThan(450)

  await alice.context.setOffline(false)
  await bob.context.setOffline(false)
  await expectConnected(alice.page)
  await expectConnected(bob.page)
  await expect
    .poll(
      async () =>
        JSON.stringify(await shapeOn(alice.page, cardId)) === JSON.stringify(await shapeOn(bob.page, cardId)),
    )
    .toBe(true)
  const end = await shapeOn(alice.page, cardId)
  expect([alicePut, bobPut]).toContainEqual(end)

  await alice.context.close()
  await bob.context.close()
})
