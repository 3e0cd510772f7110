import { expect } from '@playwright/test'
import { collaboratorCursors, expectConnected, shapes, signedUp, twoPeopleOnABoard } from './board'
import { test } from './fixtures'

test('an owner shares an editor link; a guest joins with just a name, and both work together', async ({
  browser,
}, testInfo) => {
  // The owner signs up through the page and creates a board from the home page.
  const ownerContext = await browser.newContext()
  const owner = await ownerContext.newPage()
  await owner.goto('/')
  await owner.getByTestId('sign-up-link').click()
  await owner.getByLabel('Your name').fill('Olivia')
  await owner.getByLabel('Email').fill(`olivia.${Date.now()}@example.com`)
  await owner.getByLabel('Password').fill('correct horse battery')
  await owner.getByRole('button', { name: 'Create account' }).click()
  await expect(owner.getByTestId('signed-in-as')).toHaveText('Olivia')
  await owner.getByLabel('Title').fill('Client workshop')
  await owner.getByLabel('Start from').selectOption('blank')
  await owner.getByTestId('new-board').click()
  await expectConnected(owner)
  await expect(owner.getByTestId('board-title')).toHaveText('Client workshop')

  // An editor link, from the share dialog.
  await owner.getByTestId('share').click()
  await owner.getByTestId('invite-role').selectOption('editor')
  await owner.getByTestId('create-invite').click()
  const link = await owner.getByTestId('invite-url').inputValue()
  expect(link).toMatch(/\/join\/[A-Za-z0-9_-]+$/)
  await owner.getByRole('button', { name: 'Close' }).click()

  // The guest opens it in another browser, types a name and is on the board.
  const guestContext = await browser.newContext()
  const guest = await guestContext.newPage()
  await guest.goto(new URL(link).pathname)
  await expect(guest.getByTestId('invite-board-title')).toHaveText('Client workshop')
  await guest.getByTestId('guest-name').fill('Gus from the client')
  await guest.getByTestId('join-board').click()
  await expectConnected(guest)

  // Each sees the other's edits and named cursor.
  await owner.evaluate(() => {
    window.refinery?.editor.createShape({ type: 'geo', x: 100, y: 100, props: { w: 160, h: 100 } })
  })
  await expect.poll(async () => (await shapes(guest)).length).toBe(1)
  await guest.evaluate(() => {
    window.refinery?.editor.createShape({ type: 'geo', x: 400, y: 100, props: { w: 160, h: 100 } })
  })
  await expect.poll(async () => (await shapes(owner)).length).toBe(2)
  await owner.mouse.move(500, 500)
  await guest.mouse.move(600, 400)
  await expect
    .poll(async () => (await collaboratorCursors(owner)).map((c) => c.name))
    .toEqual(['Gus from the client'])
  await expect.poll(async () => (await collaboratorCursors(guest)).map((c) => c.name)).toEqual(['Olivia'])

  // The owner sees the guest among the members, as an editor.
  await owner.getByTestId('share').click()
  await expect(owner.getByTestId('members')).toContainText('Gus from the client')
  // And renames the board from the same dialog; the header follows, and the guest's list too.
  await owner.getByTestId('board-title-input').fill('Client workshop, day 2')
  await owner.getByTestId('save-board-settings').click()
  await expect(owner.getByTestId('save-board-settings')).toHaveText('Saved')
  await testInfo.attach('owner-share-dialog', { body: await owner.screenshot(), contentType: 'image/png' })
  await owner.getByRole('button', { name: 'Close' }).click()
  await expect(owner.getByTestId('board-title')).toHaveText('Client workshop, day 2')
  await testInfo.attach('guest-final', { body: await guest.screenshot(), contentType: 'image/png' })
  await ownerContext.close()
  await guestContext.close()
})

test('a viewer sees the board without editing tools, and a stranger cannot see it at all', async ({
  browser,
}) => {
  const owner = await signedUp(browser, 'Olivia')
  const created = await owner.context.request.post('/api/boards', { data: { title: 'Roadmap' } })
  const boardId = (await created.json()).id
  const invite = await owner.context.request.post(`/api/boards/${boardId}/invites`, {
    data: { role: 'viewer' },
  })
  const token = new URL((await invite.json()).url).pathname.split('/').pop()

  const viewer = await signedUp(browser, 'Vera')
  expect((await viewer.context.request.post(`/api/invites/${token}/accept`, { data: {} })).status()).toBe(200)
  await viewer.page.goto(`/b/${boardId}`)
  await expectConnected(viewer.page)
  await expect(viewer.page.getByTestId('read-only-note')).toHaveText('View only')
  expect(await viewer.page.evaluate(() => window.refinery?.editor.getIsReadonly())).toBe(true)

  const stranger = await signedUp(browser, 'Stan')
  await stranger.page.goto(`/b/${boardId}`)
  await expect(stranger.page.getByTestId('board-not-found')).toBeVisible()

  const signedOut = await browser.newContext()
  const anonymous = await signedOut.newPage()
  await anonymous.goto(`/b/${boardId}`)
  await expect(anonymous).toHaveURL(/\/signin\?next=/)
  for (const context of [owner.context, viewer.context, stranger.context, signedOut]) await context.close()
})

test('an expired or revoked invite link says so plainly', async ({ browser }) => {
  const owner = await signedUp(browser, 'Olivia')
  const boardId = (await (await owner.context.request.post('/api/boards', { data: { title: 'Old' } })).json())
    .id
  const invite = await (
    await owner.context.request.post(`/api/boards/${boardId}/invites`, { data: { role: 'editor' } })
  ).json()
  await owner.context.request.delete(`/api/boards/${boardId}/invites/${invite.id}`)
  const visitorContext = await browser.newContext()
  const visitor = await visitorContext.newPage()
  await visitor.goto(new URL(invite.url).pathname)
  await expect(visitor.getByTestId('invite-error')).toContainText('revoked')
  await owner.context.close()
  await visitorContext.close()
})

test('changing the password signs the account out everywhere else', async ({ browser }) => {
  const email = `pat.${Date.now()}@example.com`
  const contexts = [await browser.newContext(), await browser.newContext()]
  for (const context of contexts) {
    const response = await context.request.post(
      context === contexts[0] ? '/api/auth/signup' : '/api/auth/login',
      { data: { email, password: 'correct horse battery', name: 'Pat' } },
    )
    expect(response.ok()).toBe(true)
  }
  const [here, elsewhere] = contexts as [(typeof contexts)[0], (typeof contexts)[0]]
  const page = await here.newPage()
  await page.goto('/')
  await page.getByText('Account').click()
  await page.getByLabel('Current password').fill('correct horse battery')
  await page.getByLabel('New password').fill('a much better passphrase')
  await page.getByRole('button', { name: 'Change password' }).click()
  await expect(page.getByRole('status')).toContainText('signed out everywhere else')

  expect((await elsewhere.request.get('/api/me')).status()).toBe(401)
  expect((await here.request.get('/api/me')).status()).toBe(200)
  for (const context of contexts) await context.close()
})

test('a board open in another browser stops taking edits the moment that session is signed out', async ({
  browser,
}) => {
  const { alice, bob, boardId } = await twoPeopleOnABoard(browser)
  // Alice also has the board open on a second device, under a session of its own.
  const email = (await (await alice.context.request.get('/api/me')).json()).email as string
  const tablet = await browser.newContext()
  expect(
    (
      await tablet.request.post('/api/auth/login', { data: { email, password: 'correct horse battery' } })
    ).ok(),
  ).toBe(true)
  const tabletPage = await tablet.newPage()
  await tabletPage.goto(`/b/${boardId}`)
  await expectConnected(tabletPage)

  // Signing the tablet's session out elsewhere (here: its own cookie, from a script) closes its socket.
  expect((await tablet.request.post('/api/auth/logout')).status()).toBe(204)
  await expect(tabletPage.getByTestId('connection-error')).toContainText('Sign in', { timeout: 3000 })

  // What the tablet does afterwards reaches nobody; Alice's own laptop and Bob carry on.
  await tabletPage.evaluate(() => {
    window.refinery?.editor.createShape({ id: 'shape:after-logout' as never, type: 'geo', x: 0, y: 0 })
  })
  await expectConnected(alice.page)
  await expectConnected(bob.page)
  await bob.page.waitForTimeout(500)
  expect(
    await bob.page.evaluate(() => window.refinery?.editor.getShape('shape:after-logout' as never)),
  ).toBeUndefined()
  await tablet.close()
})
