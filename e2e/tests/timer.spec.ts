import { expect, type Page } from '@playwright/test'
import { createBoard, inviteLink, join, openBoard, type Person, signedUp } from './board'
import { test } from './fixtures'

/** The voter's computer clock is this far behind: the countdown must not care. */
const CLOCK_BEHIND_MS = 7 * 60_000

/** Seconds the header's countdown shows (`m:ss`), or null when it shows something else. */
async function secondsShown(page: Page): Promise<number | null> {
  const text = (await page.getByTestId('timer-display').textContent()) ?? ''
  const match = /^(\d+):(\d\d)$/.exec(text.trim())
  return match ? Number(match[1]) * 60 + Number(match[2]) : null
}

/** Counts the tones the page plays, and sets its clock back when asked: before any of its scripts run. */
async function instrument(page: Page, clockBehindMs = 0) {
  await page.addInitScript((behind) => {
    const tones = { count: 0 }
    ;(window as unknown as { timerTones: typeof tones }).timerTones = tones
    const create = AudioContext.prototype.createOscillator
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      tones.count++
      return create.call(this)
    }
    if (behind) {
      const realNow = Date.now
      Date.now = () => realNow() - behind
    }
  }, clockBehindMs)
}

const tonesPlayed = (page: Page) =>
  page.evaluate(() => (window as unknown as { timerTones: { count: number } }).timerTones.count)

async function startTimer(person: Person, choose: (page: Page) => Promise<void>) {
  await person.page.getByTestId('timer-toggle').click()
  await expect(person.page.getByTestId('timer-panel')).toBeVisible()
  await choose(person.page)
  await expect(person.page.getByTestId('timer-panel')).toBeHidden()
}

test('owner, editor and voter share one countdown by the server’s clock; it survives a reload and ends with a cue', async ({
  browser,
}, testInfo) => {
  const owner = await signedUp(browser, 'Olive')
  const editor = await signedUp(browser, 'Eddie')
  const voter = await signedUp(browser, 'Vic')
  const boardId = await createBoard(owner)
  await join(editor, await inviteLink(owner, boardId, 'editor'))
  await join(voter, await inviteLink(owner, boardId, 'voter'))
  await instrument(editor.page)
  await instrument(voter.page, CLOCK_BEHIND_MS)
  await voter.page.setViewportSize({ width: 390, height: 844 })
  const everyone = { owner, editor, voter }
  for (const person of Object.values(everyone)) await openBoard(person, boardId)
  expect(await voter.page.evaluate(() => Date.now())).toBeLessThan(Date.now() - CLOCK_BEHIND_MS + 60_000)

  // No timer yet: owners and editors have the button, the voter sees nothing.
  await expect(owner.page.getByTestId('timer')).toHaveAttribute('data-phase', 'idle')
  await expect(voter.page.getByTestId('timer')).toHaveCount(0)

  // The editor starts one minute; all three see it count down from 1:00.
  await startTimer(editor, (page) => page.getByTestId('timer-start-1').click())
  for (const [name, person] of Object.entries(everyone)) {
    await expect(person.page.getByTestId('timer'), name).toHaveAttribute('data-phase', 'running')
    const shown = await secondsShown(person.page)
    expect(shown, name).toBeGreaterThanOrEqual(58)
    expect(shown, name).toBeLessThanOrEqual(60)
  }
  await expect.poll(() => secondsShown(voter.page)).toBeLessThan(58)
  const [ownerLeft, voterLeft] = [await secondsShown(owner.page), await secondsShown(voter.page)]
  expect(Math.abs((ownerLeft ?? 0) - (voterLeft ?? 0))).toBeLessThanOrEqual(2)

  await owner.page.getByTestId('timer-toggle').click()
  await testInfo.attach('owner-desktop-panel', {
    body: await owner.page.screenshot(),
    contentType: 'image/png',
  })
  await owner.page.keyboard.press('Escape')
  await expect(owner.page.getByTestId('timer-panel')).toBeHidden()

  // The voter sees the countdown but has nothing to press, and it fits a phone's width.
  await expect(voter.page.getByTestId('timer-toggle')).toHaveCount(0)
  const box = await voter.page.getByTestId('timer').boundingBox()
  expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true)
  await testInfo.attach('voter-390px-running', {
    body: await voter.page.screenshot(),
    contentType: 'image/png',
  })

  // A reload keeps the running timer, and it has gone on counting meanwhile.
  const beforeReload = (await secondsShown(editor.page)) ?? 0
  const reloadedAt = Date.now()
  await editor.page.reload()
  await expect(editor.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected', {
    timeout: 30_000,
  })
  await expect(editor.page.getByTestId('timer')).toHaveAttribute('data-phase', 'running')
  const afterReload = (await secondsShown(editor.page)) ?? 0
  const expected = beforeReload - (Date.now() - reloadedAt) / 1000
  expect(Math.abs(afterReload - expected)).toBeLessThanOrEqual(2)

  // The owner stops it: it goes for everyone.
  await startTimer(owner, (page) => page.getByTestId('timer-stop').click())
  await expect(voter.page.getByTestId('timer')).toHaveCount(0)
  await expect(editor.page.getByTestId('timer')).toHaveAttribute('data-phase', 'idle')
  await expect(owner.page.getByTestId('timer')).toHaveAttribute('data-phase', 'idle')

  // A typed three seconds: at zero everyone sees "Time's up"; the editor, who has clicked the page,
  // hears one quiet chime (two tones); the voter, who never has, hears nothing.
  await startTimer(editor, async (page) => {
    await page.getByTestId('timer-duration').fill('3s')
    await page.getByTestId('timer-start').click()
  })
  for (const [name, person] of Object.entries(everyone)) {
    await expect(person.page.getByTestId('timer'), name).toHaveAttribute('data-phase', 'up', {
      timeout: 8000,
    })
    await expect(person.page.getByTestId('timer-display'), name).toHaveText('Time’s up')
  }
  await expect.poll(() => tonesPlayed(editor.page)).toBe(2)
  await editor.page.waitForTimeout(1000)
  expect(await tonesPlayed(editor.page)).toBe(2)
  expect(await tonesPlayed(voter.page)).toBe(0)
  await testInfo.attach('voter-390px-times-up', {
    body: await voter.page.screenshot(),
    contentType: 'image/png',
  })

  // The owner's panel at a phone's width stays on the screen.
  await owner.page.setViewportSize({ width: 390, height: 844 })
  await owner.page.getByTestId('timer-toggle').click()
  const panel = await owner.page.getByTestId('timer-panel').boundingBox()
  expect(panel && panel.x >= 0 && panel.x + panel.width <= 390).toBe(true)
  await testInfo.attach('owner-390px-panel', {
    body: await owner.page.screenshot(),
    contentType: 'image/png',
  })

  for (const person of Object.values(everyone)) await person.context.close()
})

test('a voter may not run the timer through the API either', async ({ browser }) => {
  const owner = await signedUp(browser, 'Olive')
  const voter = await signedUp(browser, 'Vic')
  const boardId = await createBoard(owner)
  await join(voter, await inviteLink(owner, boardId, 'voter'))
  const refused = await voter.context.request.post(`/api/boards/${boardId}/timer`, { data: { seconds: 60 } })
  expect(refused.status()).toBe(403)
  await owner.context.close()
  await voter.context.close()
})
