import { atom, createUserId, type TLInstancePresence, TLPOINTER_ID, type TLStore } from 'tldraw'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { createBoardStore } from '../board/boardStore'
import { bindPresence, type PresenceUser, presenceId } from './presence'
import { bindStoreToYDoc } from './yjsStoreBinding'

/** A store with a page, an instance and a pointer: what the presence derivation reads. */
function boardStore(): TLStore {
  const store = createBoardStore()
  bindStoreToYDoc(store, new Y.Doc())
  return store
}

/** Two awareness instances that pass every update to each other, like two clients of one server. */
function linkedAwareness(): [Awareness, Awareness] {
  const a = new Awareness(new Y.Doc())
  const b = new Awareness(new Y.Doc())
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    from.on(
      'update',
      ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
        applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [...added, ...updated, ...removed]), 'wire')
      },
    )
  }
  return [a, b]
}

const alice: PresenceUser = { id: 'alice', name: 'Alice', color: '#1971c2' }

function presences(store: TLStore): TLInstancePresence[] {
  return store
    .allRecords()
    .filter((record): record is TLInstancePresence => record.typeName === 'instance_presence')
}

describe('bindPresence', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })

  it('publishes the local user and their presence', () => {
    const store = boardStore()
    const awareness = new Awareness(new Y.Doc())
    bindPresence(store, awareness, atom('user', alice))

    const state = awareness.getLocalState()
    expect(state?.user).toEqual(alice)
    expect(state?.presence).toMatchObject({
      typeName: 'instance_presence',
      userName: 'Alice',
      cursor: { x: 0, y: 0 },
    })
  })

  it('publishes cursor moves, at most every 50 ms', () => {
    const store = boardStore()
    const awareness = new Awareness(new Y.Doc())
    bindPresence(store, awareness, atom('user', alice))

    store.update(TLPOINTER_ID, (pointer) => ({ ...pointer, x: 10, y: 20 }))
    expect(awareness.getLocalState()?.presence.cursor).toMatchObject({ x: 0, y: 0 })
    vi.advanceTimersByTime(50)
    expect(awareness.getLocalState()?.presence.cursor).toMatchObject({ x: 10, y: 20 })
  })

  it('shows another client as a collaborator named and coloured from their awareness user', () => {
    const [mine, theirs] = linkedAwareness()
    const store = boardStore()
    bindPresence(store, mine, atom('user', alice))
    bindPresence(boardStore(), theirs, atom('user', { id: 'guest-id', name: 'Guest 1234', color: '#2f9e44' }))

    // What the server does: it stamps the sender's account on their awareness state.
    theirs.setLocalStateField('user', { id: 'bob', name: 'Bob', color: '#2f9e44' })

    expect(presences(store)).toEqual([
      expect.objectContaining({
        id: presenceId(theirs.clientID),
        userId: createUserId('bob'),
        userName: 'Bob',
        color: '#2f9e44',
      }),
    ])
  })

  it('removes a collaborator whose awareness state goes away', () => {
    const [mine, theirs] = linkedAwareness()
    const store = boardStore()
    bindPresence(store, mine, atom('user', alice))
    bindPresence(boardStore(), theirs, atom('user', { id: 'bob', name: 'Bob', color: '#2f9e44' }))
    expect(presences(store)).toHaveLength(1)

    theirs.setLocalState(null)
    expect(presences(store)).toEqual([])
  })

  it('skips a presence that does not validate', () => {
    const [mine, theirs] = linkedAwareness()
    const store = boardStore()
    bindPresence(store, mine, atom('user', alice))
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})

    theirs.setLocalState({ user: { id: 'mallory', name: 42, color: 'red' }, presence: { cursor: 'here' } })

    expect(presences(store)).toEqual([])
    expect(warn).toHaveBeenCalledOnce()
  })

  it('keeps presence out of the document and out of undo', () => {
    const [mine, theirs] = linkedAwareness()
    const doc = new Y.Doc()
    const store = createBoardStore()
    bindStoreToYDoc(store, doc)
    const updates = vi.fn()
    doc.on('update', updates)
    bindPresence(store, mine, atom('user', alice))
    bindPresence(boardStore(), theirs, atom('user', { id: 'bob', name: 'Bob', color: '#2f9e44' }))

    expect(presences(store)).toHaveLength(1)
    expect(updates).not.toHaveBeenCalled()
  })

  it('stops and withdraws the local presence when unbound', () => {
    const [mine, theirs] = linkedAwareness()
    const store = boardStore()
    const unbind = bindPresence(store, mine, atom('user', alice))
    const theirStore = boardStore()
    bindPresence(theirStore, theirs, atom('user', { id: 'bob', name: 'Bob', color: '#2f9e44' }))
    expect(presences(theirStore)).toHaveLength(1)

    unbind()
    expect(mine.getLocalState()).toBeNull()
    expect(presences(theirStore)).toEqual([])
    expect(presences(store)).toEqual([])
  })
})
