import { expect, type Page } from '@playwright/test'

/** The people this page's editor knows are on the board, one entry a person, by name. */
export function collaboratorNames(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window.refinery?.editor.getCollaborators() ?? []).map((presence) => presence.userName).sort(),
  )
}

/** The people tldraw shows, in its people menu and as cursors: those it does not hide as inactive. */
export function shownNames(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window.refinery?.editor.getVisibleCollaborators() ?? []).map((presence) => presence.userName).sort(),
  )
}

/** Everyone's colour as this page shows it: its own, and each collaborator's, by name. */
export function colorsSeenBy(page: Page, ownName: string): Promise<Record<string, string>> {
  return page.evaluate((me) => {
    const editor = window.refinery?.editor
    if (!editor) throw new Error('the editor is not mounted')
    const colors: Record<string, string> = { [me]: editor.user.getColor() }
    for (const presence of editor.getCollaborators()) colors[presence.userName] = presence.color
    return colors
  }, ownName)
}

const peopleMenuButton = (page: Page) => page.locator('.tlui-people-menu__avatars-button')

/** The names tldraw's people menu lists, read by opening it as a person would, then closing it. */
export async function peopleMenuNames(page: Page): Promise<string[]> {
  await expect(peopleMenuButton(page), 'the people menu').toBeVisible()
  await peopleMenuButton(page).click()
  const names = page.locator('.tlui-people-menu__item .tlui-people-menu__name')
  await expect(names.first()).toBeVisible()
  const listed = (await names.allInnerTexts()).sort()
  await page.keyboard.press('Escape')
  await expect(names).toHaveCount(0)
  return listed
}

/** Starts following `name` the way a person does: their row in the people menu, its Follow button. */
export async function followThroughPeopleMenu(page: Page, name: string): Promise<void> {
  await expect(peopleMenuButton(page), 'the people menu').toBeVisible()
  await peopleMenuButton(page).click()
  await page
    .locator('.tlui-people-menu__item', { hasText: name })
    .locator('.tlui-people-menu__item__follow')
    .click()
  await page.keyboard.press('Escape')
  await expect
    .poll(() => page.evaluate(() => window.refinery?.editor.getInstanceState().followingUserId ?? null))
    .not.toBeNull()
}

/** What a page shows of the board: its page, and the centre and width of its view, rounded. */
export function view(page: Page) {
  return page.evaluate(() => {
    const editor = window.refinery?.editor
    if (!editor) throw new Error('the editor is not mounted')
    const bounds = editor.getViewportPageBounds()
    return {
      page: editor.getCurrentPageId() as string,
      x: Math.round(bounds.center.x),
      y: Math.round(bounds.center.y),
      w: Math.round(bounds.w),
    }
  })
}

/**
 * The follower's view centred on the leader's, on the leader's page; the follower sees at least the
 * leader's width (tldraw fits the leader's view into the follower's window).
 */
export async function expectFollowing(follower: Page, leader: Page): Promise<void> {
  await expect
    .poll(async () => {
      const [theirs, mine] = await Promise.all([view(leader), view(follower)])
      return (
        mine.page === theirs.page &&
        Math.abs(mine.x - theirs.x) <= 2 &&
        Math.abs(mine.y - theirs.y) <= 2 &&
        mine.w >= theirs.w - 2
      )
    })
    .toBe(true)
}

/** Zoom to fit, with tldraw's shortcut, from the keyboard alone: the pointer does not move. */
export async function zoomToFitFromKeyboard(page: Page): Promise<void> {
  // Nothing returned: the editor itself is too large a value to hand back to the test.
  await page.evaluate(() => {
    window.refinery?.editor.focus()
  })
  await page.keyboard.press('Shift+1')
}
