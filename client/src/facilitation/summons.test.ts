import { putSummon, type Summon } from '@refinery/shared'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { watchSummons } from './summons'

const summon = (id: string, by = 'u_editor'): Summon => ({ id, by, byName: 'Edith', at: 1 })

/** The server's copy of the board, whose changes reach the browser's as updates, as over the socket. */
function serverAndBrowser() {
  const server = new Y.Doc()
  const browser = new Y.Doc()
  server.on('update', (update: Uint8Array) => Y.applyUpdate(browser, update))
  const write = (value: Summon) => server.transact(() => putSummon(server, value))
  return { server, browser, write }
}

function watch(doc: Y.Doc, synced: { now: boolean }) {
  const heard: string[] = []
  const stop = watchSummons(doc, { me: 'u_me', hasSynced: () => synced.now }, (s) => heard.push(s.id))
  return { heard, stop }
}

describe('watchSummons: summoned only by a summon newer than my join', () => {
  it('the summon already on the board when I open it moves nothing; a new one does, once', () => {
    const { browser, write, server } = serverAndBrowser()
    write(summon('s1'))
    const { heard } = watch(browser, { now: true })
    expect(heard).toEqual([])
    write(summon('s2'))
    expect(heard).toEqual(['s2'])
    // Another key of the facilitation map (a timer) changes: the same summon is not heard again.
    server.transact(() => server.getMap('facilitation').set('timer', { endsAt: 5 }))
    write(summon('s2'))
    expect(heard).toEqual(['s2'])
    write(summon('s3', 'u_owner'))
    expect(heard).toEqual(['s2', 's3'])
  })

  it('a summon that arrives before the first sync with the server (an offline copy catching up) moves nothing', () => {
    const { browser, write } = serverAndBrowser()
    const synced = { now: false }
    const { heard } = watch(browser, synced)
    write(summon('made-an-hour-ago'))
    synced.now = true
    expect(heard).toEqual([])
    write(summon('live'))
    expect(heard).toEqual(['live'])
  })

  it('my own summon does not make me follow myself', () => {
    const { browser, write } = serverAndBrowser()
    const { heard } = watch(browser, { now: true })
    write(summon('mine', 'u_me'))
    expect(heard).toEqual([])
  })

  it('a late joiner, whose first state already holds the summon, is not summoned', () => {
    const { server, write } = serverAndBrowser()
    write(summon('before-you-came'))
    const late = new Y.Doc()
    const synced = { now: false }
    const { heard } = watch(late, synced)
    Y.applyUpdate(late, Y.encodeStateAsUpdate(server))
    synced.now = true
    expect(heard).toEqual([])
  })

  it('stops hearing once stopped', () => {
    const { browser, write } = serverAndBrowser()
    const { heard, stop } = watch(browser, { now: true })
    stop()
    write(summon('after'))
    expect(heard).toEqual([])
  })
})
