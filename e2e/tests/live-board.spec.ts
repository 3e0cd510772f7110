import { expect } from '@playwright/test'
import {
  collaboratorCursors,
  drag,
  expectConnected,
  selectShape,
  shapeCentreOnScreen,
  shapes,
  twoPeopleOnABoard,
} from './board'
import { test } from './fixtures'

test('two people edit one board live, see each other’s cursors, and a reload keeps the board', async ({
  browser,
}, testInfo) => {
  const { alice, bob } = await twoPeopleOnABoard(browser)

  // Alice draws a rectangle with the toolbar's shortcut and a drag on the canvas.
  await alice.page.locator('.tl-canvas').click({ position: { x: 20, y: 400 } })
  await alice.page.keyboard.press('r')
  await drag(alice.page, { x: 500, y: 300 }, { x: 660, y: 420 })
  await expect.poll(() => shapes(alice.page)).toHaveLength(1)
  const [drawn] = await shapes(alice.page)
  if (!drawn) throw new Error('Alice drew nothing')

  // Bob sees it.
  await expect.poll(async () => (await shapes(bob.page)).map((shape) => shape.id)).toEqual([drawn.id])

  // Bob selects it and drags it; Alice sees it move. (Pressing inside an unfilled, unselected
  // rectangle starts a selection box in tldraw, so it is selected first.)
  await bob.page.keyboard.press('v')
  await selectShape(bob.page, drawn.id)
  const centre = await shapeCentreOnScreen(bob.page, drawn.id)
  await drag(bob.page, centre, { x: centre.x + 120, y: centre.y + 80 })
  await expect.poll(async () => (await shapes(bob.page))[0]?.x).toBeGreaterThan(drawn.x + 60)
  const moved = (await shapes(bob.page))[0]
  await expect.poll(async () => (await shapes(alice.page))[0]).toEqual(moved)

  // Each sees the other's cursor.
  await alice.page.mouse.move(300, 500)
  await bob.page.mouse.move(700, 200)
  await expect
    .poll(async () => (await collaboratorCursors(alice.page)).map((cursor) => cursor.name))
    .toEqual(['Bob'])
  await expect
    .poll(async () => (await collaboratorCursors(bob.page)).map((cursor) => cursor.name))
    .toEqual(['Alice'])

  // A reload keeps the board.
  await alice.page.reload()
  await expectConnected(alice.page)
  await expect.poll(() => shapes(alice.page)).toEqual([moved])

  for (const [name, person] of Object.entries({ alice, bob })) {
    await testInfo.attach(`${name}-final`, { body: await person.page.screenshot(), contentType: 'image/png' })
  }
  await alice.context.close()
  await bob.context.close()
})

test('edits made offline show after a reload without the network and merge on reconnect', async ({
  browser,
}) => {
  const { alice, bob } = await twoPeopleOnABoard(browser)

  await alice.page.evaluate(() => {
    window.refinery?.editor.createShape({ type: 'geo', x: 100, y: 100, props: { w: 120, h: 80 } })
  })
  await expect.poll(async () => (await shapes(bob.page)).length).toBe(1)
  // The service worker must control the page before the network goes, so the reload can load offline.
  await bob.page.evaluate(() => navigator.serviceWorker?.ready)

  await bob.context.setOffline(true)
  await expect(bob.page.getByTestId('connection-status')).not.toHaveAttribute('data-status', 'connected')
  await bob.page.evaluate(() => {
    window.refinery?.editor.createShape({ type: 'geo', x: 400, y: 100, props: { w: 120, h: 80 } })
  })
  await bob.page.reload()
  await expect.poll(async () => (await shapes(bob.page)).length).toBe(2)
  expect((await shapes(alice.page)).length).toBe(1)

  await bob.context.setOffline(false)
  await expectConnected(bob.page)
  await expect.poll(async () => (await shapes(alice.page)).length).toBe(2)

  await alice.context.close()
  await bob.context.close()
})

test('what someone else just changed is in the offline copy when the page reloads without the network', async ({
  browser,
}) => {
  const { alice, bob } = await twoPeopleOnABoard(browser)
  await bob.page.evaluate(() => navigator.serviceWorker?.ready)

  // The server's changes are written to the offline copy in batches; a reload at once must not lose
  // the batch that waits.
  await alice.page.evaluate(() => {
    for (let i = 0; i < 5; i++) {
      window.refinery?.editor.createShape({ type: 'geo', x: 100 + i * 150, y: 100, props: { w: 120, h: 80 } })
    }
  })
  await expect.poll(async () => (await shapes(bob.page)).length, { intervals: [20] }).toBe(5)
  await bob.context.setOffline(true)
  await bob.page.reload()
  await expect.poll(async () => (await shapes(bob.page)).length).toBe(5)
})

test('Ctrl+Z takes back only your own change, not what someone else changed in the same shape', async ({
  browser,
}) => {
  const { alice, bob } = await twoPeopleOnABoard(browser)
  await alice.page.evaluate(() => {
    window.refinery?.editor.createShape({ id: 'shape:shared' as never, type: 'geo', x: 100, y: 100 })
  })
  await expect.poll(async () => (await shapes(bob.page)).length).toBe(1)

  // Bob moves it; then Alice makes it red.
  await bob.page.evaluate(() => {
    const editor = window.refinery?.editor as unknown as { updateShape(change: object): void }
    editor.updateShape({ id: 'shape:shared', type: 'geo', x: 400 })
  })
  await expect.poll(async () => (await shapes(alice.page))[0]?.x).toBe(400)
  await alice.page.evaluate(() => {
    const editor = window.refinery?.editor as unknown as { updateShape(change: object): void }
    editor.updateShape({ id: 'shape:shared', type: 'geo', props: { color: 'red' } })
  })
  const color = (page: typeof bob.page) =>
    page.evaluate(
      () => (window.refinery?.editor.getCurrentPageShapes()[0]?.props as { color?: string })?.color,
    )
  await expect.poll(() => color(bob.page)).toBe('red')

  // Bob's undo, from the keyboard: his move goes, her colour stays, for both of them.
  await bob.page.evaluate(() => {
    window.refinery?.editor.focus()
  })
  await bob.page.keyboard.press('Control+z')
  for (const person of [alice, bob]) {
    await expect.poll(async () => (await shapes(person.page))[0]?.x).toBe(100)
    await expect.poll(() => color(person.page)).toBe('red')
  }
  await alice.context.close()
  await bob.context.close()
})
