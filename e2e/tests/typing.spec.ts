import { expect, type Page } from '@playwright/test'
import { selectShape, twoPeopleOnABoard } from './board'
import { test } from './fixtures'

/** Adds a story card through the editor (a typed call would not know the app's own shape types). */
function addCard(page: Page, title: string) {
  return page.evaluate((text) => {
    const editor = window.refinery?.editor as unknown as {
      createShape(shape: object): unknown
      getCurrentPageShapes(): { id: string; type: string }[]
    }
    editor.createShape({ type: 'story-card', x: 400, y: 300, props: { title: text } })
    return editor.getCurrentPageShapes().find((shape) => shape.type === 'story-card')?.id as string
  }, title)
}

test('two people typing into one title at the same moment both keep every word, in the panels and the backlog', async ({
  browser,
}) => {
  const { alice, bob, boardId } = await twoPeopleOnABoard(browser)
  const cardId = await addCard(alice.page, 'checkout')
  await selectShape(alice.page, cardId)
  await expect
    .poll(() => bob.page.evaluate((id) => Boolean(window.refinery?.editor.getShape(id as never)), cardId))
    .toBe(true)
  await selectShape(bob.page, cardId)
  const aliceTitle = alice.page.getByTestId('story-map-panel').getByLabel('Title')
  const bobTitle = bob.page.getByTestId('story-map-panel').getByLabel('Title')
  await expect(bobTitle).toHaveValue('checkout')

  // Alice types at the start, Bob at the end, keystroke by keystroke, at the same time.
  await aliceTitle.click()
  await aliceTitle.press('Home')
  await bobTitle.click()
  await bobTitle.press('End')
  await Promise.all([
    alice.page.keyboard.type('Guest ', { delay: 40 }),
    bob.page.keyboard.type(' in one click', { delay: 40 }),
  ])

  const merged = 'Guest checkout in one click'
  await expect(aliceTitle).toHaveValue(merged)
  await expect(bobTitle).toHaveValue(merged)
  const backlog = await alice.context.request.get(`/api/boards/${boardId}/backlog`)
  expect((await backlog.json()).items.map((item: { title: string }) => item.title)).toEqual([merged])

  // Alice's undo in the field takes back her word and leaves Bob's.
  await aliceTitle.press('ControlOrMeta+z')
  await expect(aliceTitle).toHaveValue('checkout in one click')
  await expect(bobTitle).toHaveValue('checkout in one click')

  await alice.context.close()
  await bob.context.close()
})
