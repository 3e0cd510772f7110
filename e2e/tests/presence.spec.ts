import { expect } from '@playwright/test'
import { PRESENCE_COLORS } from '../../shared/src/presence'
import { createBoard, inviteLink, join, openBoard, type Person, signedUp } from './board'
import { test } from './fixtures'
import {
  collaboratorNames,
  colorsSeenBy,
  expectFollowing,
  followThroughPeopleMenu,
  peopleMenuNames,
  shownNames,
  zoomToFitFromKeyboard,
} from './people'

/** Longer than tldraw's minute before it calls someone inactive, and than y-protocols' 30 s expiry. */
const IDLE_MS = 75_000

test('people who sit still stay listed for everyone, a newcomer sees them all at once, and someone who leaves goes', async ({
  browser,
}) => {
  test.setTimeout(240_000)
  const alice = await signedUp(browser, 'Alice')
  const boardId = await createBoard(alice)
  const invite = await inviteLink(alice, boardId, 'editor')
  const bob = await signedUp(browser, 'Bob')
  await join(bob, invite)
  const cleo = await signedUp(browser, 'Cleo')
  await join(cleo, invite)
  const people: [string, Person][] = [
    ['Alice', alice],
    ['Bob', bob],
    ['Cleo', cleo],
  ]
  const othersOf = (name: string) => ['Alice', 'Bob', 'Cleo'].filter((other) => other !== name)
  for (const [, person] of people) await openBoard(person, boardId)
  await alice.page.evaluate(() => {
    const editor = window.refinery?.editor as unknown as { createShape(shape: object): void }
    editor.createShape({ type: 'geo', x: -1500, y: -900, props: { w: 200, h: 120 } })
    editor.createShape({ type: 'geo', x: 2600, y: 1800, props: { w: 200, h: 120 } })
  })
  // Each points at the board once, then sits still.
  for (const [i, [, person]] of people.entries()) await person.page.mouse.move(300 + 100 * i, 300)
  for (const [name, person] of people) {
    await expect.poll(() => shownNames(person.page)).toEqual(othersOf(name))
  }

  // Three colours, one a person, the same in every browser: the board's first three.
  const expectedColors = { Alice: PRESENCE_COLORS[0], Bob: PRESENCE_COLORS[1], Cleo: PRESENCE_COLORS[2] }
  for (const [name, person] of people) {
    await expect.poll(() => colorsSeenBy(person.page, name)).toEqual(expectedColors)
  }
  expect(new Set(Object.values(expectedColors)).size).toBe(3)

  await alice.page.waitForTimeout(IDLE_MS)

  // Still there, for the editor and for tldraw's people menu alike (read without moving anyone first).
  for (const [name, person] of people) {
    expect(await collaboratorNames(person.page), `${name}'s collaborators`).toEqual(othersOf(name))
    expect(await shownNames(person.page), `who ${name}'s tldraw shows`).toEqual(othersOf(name))
  }
  for (const [name, person] of people) {
    expect(await peopleMenuNames(person.page), `${name}'s people menu`).toEqual(othersOf(name))
  }

  // Someone who opens the board now sees all three at once, idle as they are.
  const dave = await signedUp(browser, 'Dave')
  await join(dave, invite)
  await openBoard(dave, boardId)
  await expect.poll(() => shownNames(dave.page), { timeout: 5000 }).toEqual(['Alice', 'Bob', 'Cleo'])
  expect(await peopleMenuNames(dave.page)).toEqual(['Alice', 'Bob', 'Cleo'])

  // Bob follows Alice, idle this long, from the people menu; she zooms to fit from the keyboard.
  await followThroughPeopleMenu(bob.page, 'Alice')
  await zoomToFitFromKeyboard(alice.page)
  await expectFollowing(bob.page, alice.page)

  // Cleo closes the board: she leaves everyone's list within the server's heartbeat (30 s).
  await cleo.page.close()
  for (const person of [alice, bob, dave]) {
    await expect.poll(() => collaboratorNames(person.page), { timeout: 30_000 }).not.toContain('Cleo')
  }

  for (const person of [alice, bob, cleo, dave]) await person.context.close()
})
