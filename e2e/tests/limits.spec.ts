import { expect } from '@playwright/test'
import { expectConnected, selectShape, shapes, twoPeopleOnABoard } from './board'
import { test } from './fixtures'

const LIMIT = 10_000

test('a text pasted past the limit stops at 10,000 characters, says so, and reaches the others', async ({
  browser,
}, testInfo) => {
  const { alice, bob } = await twoPeopleOnABoard(browser)
  await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'])

  // Alice adds a card with the toolbar; its panel opens on it.
  await alice.page.getByTestId('tools.story-card').click()
  await alice.page.mouse.click(500, 400)
  const panel = alice.page.getByTestId('story-map-panel')
  await expect(panel).toBeVisible()
  const card = (await shapes(alice.page)).find((shape) => (shape.type as string) === 'story-card')
  if (!card) throw new Error('Alice added no card')

  // She pastes a text longer than a field may hold into "I want".
  const pasted = 'to pay with the card I saved last time, without typing it again. '.repeat(200)
  expect(pasted.length).toBeGreaterThan(LIMIT + 1000)
  await alice.page.evaluate((text) => navigator.clipboard.writeText(text), pasted)
  const iWant = panel.getByLabel('I want')
  await iWant.click()
  await alice.page.keyboard.press('ControlOrMeta+V')

  // The field keeps the first 10,000 characters and says why, as the field's description.
  const message = 'This text is too long (at most 10,000 characters).'
  await expect(panel.getByTestId('field-limit')).toHaveText(message)
  await expect(panel.getByRole('alert')).toHaveText(message)
  await expect(iWant).toHaveAccessibleDescription(message)
  const kept = pasted.slice(0, LIMIT)
  await expect(iWant).toHaveValue(kept)

  // Typing at the start of the full field adds nothing, and the caret stays where she typed.
  await iWant.press('ControlOrMeta+Home')
  await alice.page.keyboard.type('X')
  await expect(iWant).toHaveValue(kept)
  await expect(panel.getByTestId('field-limit')).toHaveText(message)
  await expect.poll(() => iWant.evaluate((field: HTMLTextAreaElement) => field.selectionStart)).toBe(0)

  // Bob sees the card's text, all 10,000 characters of it: the server took the change and passed it on.
  await selectShape(bob.page, card.id)
  await expect(bob.page.getByTestId('story-map-panel').getByLabel('I want')).toHaveValue(kept)

  // Alice's connection was not refused.
  await expectConnected(alice.page)
  await expect(alice.page.getByTestId('connection-error')).toHaveCount(0)

  await testInfo.attach('alice', { body: await alice.page.screenshot(), contentType: 'image/png' })
  await alice.context.close()
  await bob.context.close()
})
