import { expect, type Page } from '@playwright/test'
import {
  createBoard,
  expectConnected,
  inviteLink,
  join,
  openBoard,
  shapeCentreOnScreen,
  signedUp,
} from './board'
import { test } from './fixtures'

/** Adds a story card through the editor, as the toolbar would, and answers its id. */
function addCard(page: Page, title: string, at: { x: number; y: number }) {
  return page.evaluate(
    ({ title, at }) => {
      const editor = window.refinery!.editor
      const before = new Set(editor.getCurrentPageShapeIds())
      editor.createShape({ type: 'story-card', x: at.x, y: at.y, props: { title } } as never)
      editor.selectNone()
      return `${[...editor.getCurrentPageShapeIds()].find((id) => !before.has(id))}`
    },
    { title, at },
  )
}

async function openCard(page: Page, id: string) {
  const centre = await shapeCentreOnScreen(page, id)
  await page.mouse.click(centre.x, centre.y)
  await expect(page.getByTestId('story-map-panel')).toBeVisible()
}

const questionsOn = (page: Page, id: string) =>
  page.locator(`[data-shape-id="${id}"] [data-testid="card-questions"]`)

test('a voter asks on a card, the owner finds it, answers and marks it answered; both see the count go', async ({
  browser,
}) => {
  test.setTimeout(120_000)
  const olive = await signedUp(browser, 'Olive')
  const vic = await signedUp(browser, 'Vic')
  const vera = await signedUp(browser, 'Vera')
  const boardId = await createBoard(olive, 'Checkout')
  await join(vic, await inviteLink(olive, boardId, 'voter'))
  await join(vera, await inviteLink(olive, boardId, 'viewer'))
  await openBoard(olive, boardId)
  const card = await addCard(olive.page, 'Guest checkout', { x: 0, y: 0 })
  await addCard(olive.page, 'Saved cards', { x: 400, y: 0 })
  await openBoard(vic, boardId)
  await openBoard(vera, boardId)

  // Vic, a voter, asks a question with a link in it.
  await openCard(vic.page, card)
  const thread = vic.page.getByTestId('card-thread')
  await thread
    .getByLabel('Your question or comment')
    .fill('What if the guest skips the email? See https://example.com/spec.')
  await thread.getByTestId('ask-question').click()
  await expect(thread.getByTestId('comment')).toHaveCount(1)
  await expect(thread.getByRole('link', { name: 'https://example.com/spec' })).toHaveAttribute(
    'rel',
    /noopener/,
  )

  // Everyone sees the open question on the card's face; the owner steps to it from the map bar.
  for (const page of [olive.page, vic.page, vera.page]) await expect(questionsOn(page, card)).toHaveText('?1')
  await expect(olive.page.getByTestId('open-questions')).toContainText('1 open question')
  await olive.page
    .getByTestId('open-questions')
    .getByRole('button', { name: '1 open question', exact: true })
    .click()
  await expect
    .poll(() => olive.page.evaluate(() => window.refinery!.editor.getSelectedShapeIds().map(String)))
    .toEqual([card])
  const oliveThread = olive.page.getByTestId('card-thread')
  await expect(oliveThread.getByTestId('comment')).toContainText('What if the guest skips the email?')

  // The backlog lists the open question under its story.
  const backlogPage = await olive.context.newPage()
  await backlogPage.goto(`/b/${boardId}/backlog`)
  await expect(backlogPage.getByTestId('backlog-open-questions')).toContainText(
    'What if the guest skips the email?',
  )
  await backlogPage.close()

  // Olive replies and marks it answered.
  await oliveThread.getByTestId('reply').click()
  await oliveThread.getByLabel('Your reply').fill('We ask for it on the receipt page instead.')
  await oliveThread.getByTestId('send-reply').click()
  await oliveThread.getByTestId('mark-answered').click()

  // Vic sees the reply and the answer; the count is gone everywhere.
  await expect(thread.getByTestId('comment')).toHaveCount(2)
  await expect(thread.getByTestId('comment').nth(1)).toContainText('receipt page')
  await expect(thread.getByTestId('answered-by')).toContainText('Olive')
  for (const page of [olive.page, vic.page, vera.page]) await expect(questionsOn(page, card)).toHaveCount(0)
  await expect(olive.page.getByTestId('open-questions')).toHaveCount(0)

  // The thread goes to Jira with the story, a Comment column per comment.
  const csv = await (await olive.context.request.get(`/api/boards/${boardId}/backlog.csv`)).text()
  expect(csv).toMatch(/;Vic;Question \(answered by Olive\): What if the guest skips the email\?/)
  expect(csv).toContain(';Olive;Re Vic: We ask for it on the receipt page instead.')

  // Vera, a viewer, reads the thread but has nothing to write with.
  await openCard(vera.page, card)
  await expect(vera.page.getByTestId('card-thread').getByTestId('comment')).toHaveCount(2)
  await expect(vera.page.getByTestId('comment-form')).toHaveCount(0)
  await expect(vera.page.getByTestId('reply')).toHaveCount(0)

  // After a reload, the thread is still there: it was stored, not only relayed.
  await vic.page.reload()
  await expectConnected(vic.page)
  await expect
    .poll(() => vic.page.evaluate(() => window.refinery?.editor.getCurrentPageShapes().length))
    .toBe(2)
  await openCard(vic.page, card)
  await expect(vic.page.getByTestId('card-thread').getByTestId('comment')).toHaveCount(2)
})
