import { expect } from '@playwright/test'
import { createBoard, openBoard, signedUp } from './board'
import { test } from './fixtures'

test('the share dialog lists the open links: re-opening makes none, copy copies, revoke ends a link', async ({
  browser,
  baseURL,
}, testInfo) => {
  const owner = await signedUp(browser, 'Olga')
  await owner.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL ?? '' })
  const boardId = await createBoard(owner, 'Shared workshop')
  await openBoard(owner, boardId)
  const page = owner.page
  const openInvites = async () =>
    (await (await owner.context.request.get(`/api/boards/${boardId}/invites`)).json()).invites as unknown[]

  // Opening the dialog makes no link; making one is an explicit action.
  await page.getByTestId('share').click()
  await expect(page.getByTestId('no-invites')).toBeVisible()
  expect(await openInvites()).toHaveLength(0)
  await page.getByTestId('invite-role').selectOption('editor')
  await expect(page.getByTestId('create-invite')).toHaveText('New link for editors')
  await page.getByTestId('create-invite').click()
  const row = page.getByTestId('invite-link')
  await expect(row).toHaveCount(1)
  await expect(row).toHaveAttribute('data-role', 'editor')
  await expect(row.getByTestId('invite-expiry')).toContainText('expires')
  const url = await row.getByTestId('invite-url').inputValue()
  expect(url).toMatch(/\/join\/[A-Za-z0-9_-]+$/)
  await page.getByRole('button', { name: 'Close' }).click()

  // Re-opened: the same link, and still only one.
  await page.getByTestId('share').click()
  await expect(page.getByTestId('invite-link')).toHaveCount(1)
  await expect(page.getByTestId('invite-url')).toHaveValue(url)
  expect(await openInvites()).toHaveLength(1)

  await page.getByTestId('copy-invite').click()
  await expect(page.getByTestId('copy-invite')).toHaveText('Copied')
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url)
  await testInfo.attach('share-dialog', { body: await page.screenshot(), contentType: 'image/png' })

  // Revoked: gone from the list, and a guest who opens it is told so.
  await page.getByTestId('revoke-invite').click()
  await expect(page.getByTestId('invite-link')).toHaveCount(0)
  await expect(page.getByTestId('no-invites')).toBeVisible()
  const guestContext = await browser.newContext()
  const guest = await guestContext.newPage()
  await guest.goto(new URL(url).pathname)
  await expect(guest.getByTestId('invite-error')).toContainText('revoked')
  const token = new URL(url).pathname.split('/').pop()
  const accepted = await guestContext.request.post(`/api/invites/${token}/accept`, {
    data: { name: 'Gate crasher' },
  })
  expect(accepted.status()).toBe(410)
  await guestContext.close()
  await owner.context.close()
})
