import { expect } from '@playwright/test'
import { createBoard, expectConnected, inviteLink, join, openBoard, signedUp } from './board'
import { test } from './fixtures'
import {
  collaboratorNames,
  expectFollowing,
  followThroughPeopleMenu,
  view,
  zoomToFitFromKeyboard,
} from './people'

test('following someone through the people menu keeps up as they zoom to fit, pan and change page, on the computer they work at', async ({
  browser,
}) => {
  test.setTimeout(120_000)
  const alice = await signedUp(browser, 'Alice')
  const bob = await signedUp(browser, 'Bob')
  const boardId = await createBoard(alice)
  await join(bob, await inviteLink(alice, boardId, 'editor'))
  // Alice opened the board on her laptop, whose clock is five minutes fast, and pointed at something…
  await alice.context.clock.install({ time: Date.now() + 5 * 60_000 })
  await openBoard(alice, boardId)
  // Two shapes far apart, so that zooming to fit moves the view a long way.
  await alice.page.evaluate(() => {
    const editor = window.refinery?.editor as unknown as { createShape(shape: object): void }
    editor.createShape({ type: 'geo', x: -1500, y: -900, props: { w: 200, h: 120 } })
    editor.createShape({ type: 'geo', x: 2600, y: 1800, props: { w: 200, h: 120 } })
  })
  // Bob joins after her.
  await openBoard(bob, boardId)
  await expect.poll(() => collaboratorNames(alice.page)).toEqual(['Bob'])
  await alice.page.mouse.move(400, 300)
  await alice.page.mouse.move(420, 320)
  // …then moved to the meeting room's computer, signed in as herself, and leads from there.
  const room = await browser.newContext()
  await room.addCookies(await alice.context.cookies())
  const working = await room.newPage()
  await working.goto(`/b/${boardId}`)
  await expectConnected(working)

  // Bob follows her from the people menu.
  await followThroughPeopleMenu(bob.page, 'Alice')

  const before = await view(working)
  await zoomToFitFromKeyboard(working)
  await expect.poll(async () => (await view(working)).w).toBeGreaterThan(before.w * 2)
  await expectFollowing(bob.page, working)

  // She pans with the mouse wheel.
  const fitted = await view(working)
  await working.mouse.move(640, 400)
  await working.mouse.wheel(600, 300)
  await expect.poll(async () => (await view(working)).x).not.toBe(fitted.x)
  await expectFollowing(bob.page, working)

  // She opens another page.
  await working.evaluate(() => {
    const editor = window.refinery?.editor as unknown as {
      createPage(page: object): void
      setCurrentPage(id: string): void
    }
    editor.createPage({ id: 'page:later', name: 'Later' })
    editor.setCurrentPage('page:later')
  })
  await expect.poll(async () => (await view(bob.page)).page).toBe('page:later')
  await expectFollowing(bob.page, working)

  for (const context of [alice.context, room, bob.context]) await context.close()
})
