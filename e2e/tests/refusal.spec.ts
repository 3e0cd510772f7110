import { readFileSync } from 'node:fs'
import { expect } from '@playwright/test'
import { expectConnected, shapes, twoPeopleOnABoard } from './board'
import { test } from './fixtures'

const storyCards = async (page: Parameters<typeof shapes>[0]) =>
  (await shapes(page)).filter((shape) => (shape.type as string) === 'story-card')

// The e2e server refuses messages over 2 MiB (MAX_MESSAGE_BYTES in playwright.config.ts).
test('offline work the server refuses as too big says so, keeps a copy, and lets her carry on', async ({
  browser,
}, testInfo) => {
  const { alice, bob } = await twoPeopleOnABoard(browser)
  await expectConnected(alice.page)

  // Alice works offline: 250 cards with long texts, about 2.3 MB, more than one message may carry.
  await alice.context.setOffline(true)
  await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'offline')
  await alice.page.evaluate(() => {
    const editor = window.refinery?.editor as { createShapes(shapes: object[]): unknown } | undefined
    const text = 'As a shopper I want to see my order history so that I can buy again. '.repeat(130)
    editor?.createShapes(
      Array.from({ length: 250 }, (_, i) => ({
        type: 'story-card',
        x: (i % 25) * 260,
        y: Math.floor(i / 25) * 200,
        props: { title: `Card ${i} ${text}`.slice(0, 9000) },
      })),
    )
  })
  expect(await storyCards(alice.page)).toHaveLength(250)

  // Back online, the server refuses the message: the page says so and what to do, and stops retrying.
  await alice.context.setOffline(false)
  const notice = alice.page.getByTestId('connection-error')
  await expect(notice).toContainText('too big to send to the board')
  await expect(notice).toContainText('Download a copy of your work')
  await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'offline')
  await testInfo.attach('refused', { body: await alice.page.screenshot(), contentType: 'image/png' })

  // Nothing of it reached Bob, whose connection carries on.
  await expectConnected(bob.page)
  expect(await storyCards(bob.page)).toHaveLength(0)

  // The copy holds all of her work, as a board file.
  const [download] = await Promise.all([
    alice.page.waitForEvent('download'),
    notice.getByRole('button', { name: 'Download a copy' }).click(),
  ])
  expect(download.suggestedFilename()).toBe('checkout-journey.refinery.json')
  const file = JSON.parse(readFileSync(await download.path(), 'utf8'))
  expect(file).toMatchObject({ format: 'refinery-board', version: 1, title: 'Checkout journey' })
  expect(file.records.filter((record: { type?: string }) => record.type === 'story-card')).toHaveLength(250)

  // She carries on without it: the page reloads with the board as the server holds it, connected.
  await notice.getByRole('button', { name: 'Carry on without it…' }).click()
  await notice.getByRole('button', { name: 'Drop and reload' }).click()
  await expectConnected(alice.page)
  await expect(alice.page.getByTestId('connection-error')).toHaveCount(0)
  expect(await storyCards(alice.page)).toHaveLength(0)

  // And what she adds now reaches Bob.
  await alice.page.getByTestId('tools.story-card').click()
  await alice.page.mouse.click(500, 400)
  await expect.poll(async () => (await storyCards(bob.page)).length).toBe(1)

  await alice.context.close()
  await bob.context.close()
})
