import { expect, type Page } from '@playwright/test'
import { twoPeopleOnABoard } from './board'
import { test } from './fixtures'

/** Adds a story card through the editor, as the toolbar would, and answers its id. */
function addCard(page: Page, title: string, at: { x: number; y: number }, estimate: number | null = null) {
  return page.evaluate(
    ({ title, at, estimate }) => {
      const editor = window.refinery!.editor
      const before = new Set(editor.getCurrentPageShapeIds())
      editor.createShape({ type: 'story-card', x: at.x, y: at.y, props: { title, estimate } } as never)
      const added = [...editor.getCurrentPageShapeIds()].find((id) => !before.has(id))
      return `${added}`
    },
    { title, at, estimate },
  )
}

const cardTitles = (page: Page, testId: string) =>
  page.getByTestId(testId).locator('.backlog-changes__card').allInnerTexts()

test('after a second session, the facilitator sees what changed since the last finished version, and opens the board as it was', async ({
  browser,
}) => {
  test.setTimeout(120_000)
  const { alice, bob, boardId } = await twoPeopleOnABoard(browser)
  const search = await addCard(alice.page, 'Search products', { x: 0, y: 0 }, 3)
  const wishlist = await addCard(alice.page, 'Wishlist', { x: 0, y: 200 })
  await expect
    .poll(() => bob.page.evaluate(() => window.refinery!.editor.getCurrentPageShapes().length))
    .toBe(2)

  // The first workshop ends: Alice finishes the board.
  await alice.page.goto(`/b/${boardId}/backlog`)
  await alice.page.getByTestId('finish-board').click()
  await alice.page.getByTestId('version-name').fill('Workshop 1')
  await alice.page.getByTestId('finish-confirm').click()
  await expect(alice.page.getByTestId('finished-notice')).toContainText('Workshop 1')

  // Between workshops Bob re-estimates one card, drops another and adds a third, from his own browser.
  await bob.page.evaluate(
    ({ search, wishlist }) => {
      const editor = window.refinery!.editor
      editor.updateShape({ id: search, type: 'story-card', props: { estimate: 8 } } as never)
      editor.deleteShape(wishlist as never)
    },
    { search, wishlist },
  )
  await addCard(bob.page, 'Pay later', { x: 300, y: 0 })
  await expect
    .poll(
      async () =>
        (await (await alice.context.request.get(`/api/boards/${boardId}/backlog`)).json()).items.length,
    )
    .toBe(2)

  // Alice compares Workshop 1 with the board now.
  await alice.page.reload()
  const form = alice.page.getByTestId('compare-form')
  await expect(form.getByLabel('From')).toHaveValue(/^v_/)
  await expect(form.getByLabel('To')).toHaveValue('live')
  await form.getByRole('button', { name: 'Compare' }).click()
  await expect(alice.page).toHaveURL(/\?compare=v_[^&]+&against=live$/)
  await expect(
    alice.page.getByRole('heading', { level: 2, name: 'From Workshop 1 to the board now' }),
  ).toBeVisible()
  await expect.poll(() => cardTitles(alice.page, 'added')).toEqual(['Pay later'])
  await expect.poll(() => cardTitles(alice.page, 'removed')).toEqual(['Wishlist'])
  const changed = alice.page.locator(`[data-testid="changed-item"][data-card="${search}"]`)
  await expect(changed.locator('[data-field="estimate"]')).toHaveText('Estimate 3 → 8')

  // The removed card opens on the board as it was: read-only, the card still there.
  await alice.page.getByTestId('removed').getByRole('link', { name: 'Wishlist' }).click()
  await expect(alice.page).toHaveURL(new RegExp(`/b/${boardId}/versions/v_[^?]+\\?card=`))
  await expect(alice.page.getByTestId('version-badge')).toContainText('Workshop 1')
  await expect(alice.page.getByTestId('version-badge')).toContainText('read-only')
  await expect(alice.page.locator(`[data-shape-id="${wishlist}"]`)).toBeVisible()
  await expect(alice.page.locator(`[data-shape-id="${search}"]`)).toContainText('3')
  // Nothing to edit with: no story-map tools, and a key press that would add a card adds none.
  await expect(alice.page.getByTestId('tools.story-card')).toHaveCount(0)
  await alice.page.keyboard.press('Delete')
  await expect(alice.page.locator(`[data-shape-id="${wishlist}"]`)).toBeVisible()

  // From there, back to the live board, where the card is gone.
  await alice.page.getByTestId('live-board-link').click()
  await expect(alice.page).toHaveURL(new RegExp(`/b/${boardId}$`))
  await expect
    .poll(() => alice.page.evaluate(() => window.refinery?.editor.getCurrentPageShapes().length))
    .toBe(2)
})

test('a version id of no board of yours opens a clear page, not a blank canvas', async ({ browser }) => {
  const { alice, boardId } = await twoPeopleOnABoard(browser)
  await alice.page.goto(`/b/${boardId}/versions/v_nothing`)
  await expect(alice.page.getByRole('heading', { name: 'No such version' })).toBeVisible()
})
