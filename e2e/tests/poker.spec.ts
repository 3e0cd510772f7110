import { expect, type Page } from '@playwright/test'
import { createBoard, inviteLink, join, openBoard, type Person, selectShape, shapes, signedUp } from './board'
import { test } from './fixtures'

const CARD = 'shape:pay-by-card'

/**
 * The page's text outside the deck of cards to pick from, which lists every face by design, and
 * tldraw's style panel, whose sizes are S, M, L and XL.
 */
function textBesideTheDeck(page: Page): Promise<string> {
  return page.evaluate(() => {
    const body = document.body.cloneNode(true) as HTMLElement
    for (const part of Array.from(body.querySelectorAll('.poker-deck, .tlui-style-panel, style, script'))) {
      part.remove()
    }
    return body.textContent ?? ''
  })
}

/** Picks a face as a person does, and waits for the server to take it. */
async function pick(page: Page, face: string) {
  await page.getByTestId(`poker-face-${face}`).click()
  await expect(page.getByTestId(`poker-face-${face}`)).toHaveAttribute('aria-pressed', 'true')
}

test('a round of planning poker: picks hidden until the reveal, the median accepted onto the card for all', async ({
  browser,
}) => {
  // Three people open the board, one of them twice: more than the default minute on a busy machine.
  test.setTimeout(150_000)
  const olive = await signedUp(browser, 'Olive')
  const eddie = await signedUp(browser, 'Eddie')
  const vic = await signedUp(browser, 'Vic')
  const boardId = await createBoard(olive, 'Poker night')
  await join(eddie, await inviteLink(olive, boardId, 'editor'))
  await join(vic, await inviteLink(olive, boardId, 'voter'))
  const everyone: Person[] = [olive, eddie, vic]

  await openBoard(olive, boardId)
  await olive.page.evaluate((id) => {
    const editor = window.refinery?.editor as unknown as { createShape(shape: object): void }
    editor.createShape({ id, type: 'story-card', x: 160, y: 200, props: { title: 'Pay by card' } })
  }, CARD)
  for (const person of [eddie, vic]) {
    await openBoard(person, boardId)
    await expect.poll(async () => (await shapes(person.page)).length).toBe(1)
  }
  // A voter runs no round: no Estimate action for them.
  await selectShape(vic.page, CARD)
  await expect(vic.page.getByTestId('story-map-panel')).toBeVisible()
  await expect(vic.page.getByTestId('estimate-card')).toHaveCount(0)

  await selectShape(olive.page, CARD)
  await olive.page.getByTestId('estimate-card').click()
  await olive.page.getByTestId('estimate-deck-tshirt').click()
  for (const { page } of everyone) {
    await expect(page.getByTestId('poker-panel')).toBeVisible()
    await expect(page.getByTestId('poker-card-title')).toHaveText('Pay by card')
    await expect(page.getByTestId('poker-card-mark')).toContainText('Being estimated')
  }
  await expect(vic.page.getByTestId('poker-reveal')).toHaveCount(0)

  await pick(olive.page, 'M')
  await pick(eddie.page, 'XL')
  await pick(vic.page, 'S')
  // A change of mind before the reveal counts.
  await pick(vic.page, 'XS')
  await expect(vic.page.getByTestId('poker-face-S')).toHaveAttribute('aria-pressed', 'false')

  for (const { page } of everyone) {
    await expect(page.getByTestId('poker-picked-person')).toHaveText(['✓Olive', '✓Eddie', '✓Vic'])
    await expect(page.getByTestId('poker-spread')).toHaveCount(0)
    await expect(page.locator('.poker-deck [aria-pressed="true"]')).toHaveCount(1)
    const text = await textBesideTheDeck(page)
    for (const face of ['XL', 'XS']) expect(text).not.toContain(face)
    expect(text).not.toContain('Median')
  }

  // A reload in the middle of the round keeps the round and the person's own pick.
  await vic.page.reload()
  await expect(vic.page.getByTestId('poker-panel')).toBeVisible()
  await expect(vic.page.getByTestId('poker-face-XS')).toHaveAttribute('aria-pressed', 'true')
  await expect(vic.page.getByTestId('poker-picked-person')).toHaveCount(3)

  await eddie.page.getByTestId('poker-reveal').click()
  for (const { page } of everyone) {
    await expect(page.getByTestId('poker-spread-XS')).toContainText('Vic')
    await expect(page.getByTestId('poker-spread-M')).toContainText('Olive')
    await expect(page.getByTestId('poker-spread-XL')).toContainText('Eddie')
    await expect(page.getByTestId('poker-median')).toHaveText('Median: M')
    await expect(page.getByTestId('poker-outliers')).toHaveText(
      'Vic chose XS and Eddie chose XL: hear them first',
    )
  }
  await expect(vic.page.getByTestId('poker-accept')).toHaveCount(0)

  // The median comes preselected; an M is 3 points on the card.
  await expect(olive.page.getByTestId('poker-accept-face-M')).toHaveAttribute('aria-checked', 'true')
  await expect(olive.page.getByTestId('poker-accept')).toHaveText('Accept M (3 pts)')
  await olive.page.getByTestId('poker-accept').click()
  for (const { page } of everyone) {
    await expect(page.getByTestId('poker-panel')).toHaveCount(0)
    await expect(page.locator(`[data-shape-id="${CARD}"] .story-card__estimate`)).toHaveText('3')
  }

  const backlog = await vic.context.request.get(`/api/boards/${boardId}/backlog`)
  expect((await backlog.json()).items).toMatchObject([{ id: CARD, title: 'Pay by card', estimate: 3 }])
  await vic.page.goto(`/b/${boardId}/backlog`)
  await expect(vic.page.getByTestId('backlog-item')).toHaveCount(1)
  await expect(vic.page.getByTestId('backlog-item').locator('.backlog-table__number').first()).toHaveText('3')
})
