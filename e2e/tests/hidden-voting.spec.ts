import { expect, type Page } from '@playwright/test'
import { createBoard, inviteLink, join, openBoard, selectShape, shapes, signedUp } from './board'
import { test } from './fixtures'

const CARDS = ['shape:wishlist', 'shape:checkout'] as const

/** The dots a card's face shows on this page, or null when it shows none. */
function dotsOnCard(page: Page, id: string) {
  return page.locator(`[data-shape-id="${id}"] .story-card__dots`)
}

/** Puts `dots` on a card through its panel, one click at a time, as a person does. */
async function vote(page: Page, id: string, dots: number) {
  await selectShape(page, id)
  await expect(page.getByTestId('story-map-panel')).toBeVisible()
  for (let given = 1; given <= dots; given++) {
    await page.getByTestId('vote-add').click()
    await expect(page.getByTestId('my-dots-on-card')).toHaveText(String(given))
  }
}

test('an owner hides the votes: each voter sees only their own dots until the reveal shows all at once', async ({
  browser,
}) => {
  const olive = await signedUp(browser, 'Olive')
  const vic = await signedUp(browser, 'Vic')
  const vera = await signedUp(browser, 'Vera')
  const boardId = await createBoard(olive, 'Hidden dots')
  await join(vic, await inviteLink(olive, boardId, 'voter'))
  await join(vera, await inviteLink(olive, boardId, 'voter'))

  await openBoard(olive, boardId)
  await olive.page.evaluate((ids) => {
    const editor = window.refinery?.editor as unknown as { createShape(shape: object): void }
    ids.forEach((id, index) => {
      editor.createShape({ id, type: 'story-card', x: 120 + index * 260, y: 160 })
    })
  }, CARDS)
  await expect.poll(async () => (await shapes(olive.page)).length).toBe(2)

  await olive.page.getByTestId('hide-votes').click()
  await expect(olive.page.getByTestId('reveal-votes')).toBeVisible()

  for (const person of [vic, vera]) {
    await openBoard(person, boardId)
    await expect.poll(async () => (await shapes(person.page)).length).toBe(2)
    await expect(person.page.getByTestId('hide-votes')).toHaveCount(0)
  }
  await vote(vic.page, CARDS[0], 2)
  await vote(vera.page, CARDS[0], 1)
  await vote(vera.page, CARDS[1], 3)
  await expect(vera.page.getByTestId('card-dots-hidden')).toHaveText(
    'Voting is hidden until the owner reveals it',
  )

  // Each voter's cards show their own dots only; the owner, who gave none, sees none.
  await expect(dotsOnCard(vic.page, CARDS[0])).toHaveAttribute('data-dots', '2')
  await expect(dotsOnCard(vic.page, CARDS[1])).toHaveCount(0)
  await expect(dotsOnCard(vera.page, CARDS[0])).toHaveAttribute('data-dots', '1')
  await expect(dotsOnCard(vera.page, CARDS[1])).toHaveAttribute('data-dots', '3')
  for (const id of CARDS) await expect(dotsOnCard(olive.page, id)).toHaveCount(0)

  // Nor does the backlog tell anyone: every card has 0 dots there.
  for (const person of [olive, vic]) {
    await person.page.goto(`/b/${boardId}/backlog`)
    await expect(person.page.getByTestId('backlog-item')).toHaveCount(2)
    await expect(person.page.locator('.backlog-item__dots')).toHaveCount(0)
  }

  await openBoard(olive, boardId)
  await olive.page.getByTestId('reveal-votes').click()
  await expect(olive.page.getByTestId('hide-votes')).toBeVisible()
  for (const page of [olive.page, vera.page]) {
    await expect(dotsOnCard(page, CARDS[0])).toHaveAttribute('data-dots', '3')
    await expect(dotsOnCard(page, CARDS[1])).toHaveAttribute('data-dots', '3')
  }
  await vic.page.goto(`/b/${boardId}/backlog`)
  await expect(vic.page.locator('.backlog-item__dots')).toHaveText(['3', '3'])
})
