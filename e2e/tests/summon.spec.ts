import { expect, type Page } from '@playwright/test'
import { createBoard, inviteLink, join, openBoard, type Person, signedUp } from './board'
import { test } from './fixtures'

/** What part of the board a page shows, and whom it follows. */
function view(page: Page) {
  return page.evaluate(() => {
    const editor = window.refinery?.editor
    if (!editor) throw new Error('the editor is not mounted')
    const { x, y, w, h } = editor.getViewportPageBounds()
    return { x, y, w, h, following: editor.getInstanceState().followingUserId }
  })
}

/** Whether `follower` shows what `leader` shows, to within a page unit. */
async function showsTheSame(follower: Page, leader: Page): Promise<boolean> {
  const [theirs, ours] = [await view(leader), await view(follower)]
  return (['x', 'y', 'w', 'h'] as const).every((key) => Math.abs(theirs[key] - ours[key]) < 1)
}

function moveCamera(page: Page, camera: { x: number; y: number; z: number }) {
  return page.evaluate((to) => window.refinery?.editor.setCamera(to), camera)
}

test('an editor brings everyone here: the others follow until they move their own view; a late joiner does not', async ({
  browser,
}) => {
  test.setTimeout(120_000)
  const owner = await signedUp(browser, 'Olga')
  const editor = await signedUp(browser, 'Edith')
  const voter = await signedUp(browser, 'Vic')
  const late = await signedUp(browser, 'Lena')
  const boardId = await createBoard(owner, 'Summons')
  for (const [person, role] of [
    [editor, 'editor'],
    [voter, 'voter'],
    [late, 'viewer'],
  ] as [Person, string][]) {
    await join(person, await inviteLink(owner, boardId, role))
  }
  for (const person of [owner, editor, voter]) await openBoard(person, boardId)

  // Voters and viewers have no button; the route refuses them too.
  await expect(voter.page.getByTestId('summon')).toHaveCount(0)
  expect((await voter.context.request.post(`/api/boards/${boardId}/summon`, { data: {} })).status()).toBe(403)

  // Edith goes somewhere else on the board and brings everyone there.
  await moveCamera(editor.page, { x: -2400, y: -1300, z: 0.5 })
  await editor.page.mouse.move(500, 400)
  await editor.page.getByTestId('summon').click()
  await expect(editor.page.getByTestId('summon')).toHaveText('Everyone follows you')
  for (const follower of [owner, voter]) {
    await expect(follower.page.getByTestId('summon-toast')).toHaveText(
      'Following Edith — move the canvas to stop',
    )
    await expect.poll(() => showsTheSame(follower.page, editor.page)).toBe(true)
  }
  await expect(editor.page.getByTestId('summon-toast')).toHaveCount(0)

  // She pans and zooms; both keep up.
  await moveCamera(editor.page, { x: 300, y: 900, z: 1.5 })
  for (const follower of [owner, voter])
    await expect.poll(() => showsTheSame(follower.page, editor.page)).toBe(true)

  // Vic scrolls his own view: he stops following, Olga does not.
  await voter.page.mouse.move(640, 400)
  await voter.page.mouse.wheel(400, 250)
  await expect.poll(async () => (await view(voter.page)).following).toBeNull()
  await expect(voter.page.getByTestId('summon-toast')).toHaveCount(0)
  await moveCamera(editor.page, { x: -800, y: 200, z: 1 })
  await expect.poll(() => showsTheSame(owner.page, editor.page)).toBe(true)
  expect(await showsTheSame(voter.page, editor.page)).toBe(false)

  // Lena opens the board after the summon: nobody moves her view.
  await openBoard(late, boardId)
  await late.page.waitForTimeout(1500)
  expect((await view(late.page)).following).toBeNull()
  await expect(late.page.getByTestId('summon-toast')).toHaveCount(0)
  expect(await showsTheSame(late.page, editor.page)).toBe(false)

  for (const person of [owner, editor, voter, late]) await person.context.close()
})
