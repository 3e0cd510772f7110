import {
  atom,
  CameraRecordType,
  createUserId,
  TLINSTANCE_ID,
  type TLInstancePresence,
  TLPOINTER_ID,
  type TLStore,
} from 'tldraw'
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

/**
 * Passes every update of `from` to `to`, as the server relays a client's presence to the others: at
 * once, or `later`, in a timer turn of its own as it comes off a socket.
 */
function relay(from: Awareness, to: Awareness, { later = false } = {}): void {
  from.on(
    'update',
    ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
      const update = encodeAwarenessUpdate(from, [...added, ...updated, ...removed])
      const deliver = () => applyAwarenessUpdate(to, update, 'wire')
      if (later) setTimeout(deliver, 0)
      else deliver()
    },
  )
}

/** Two awareness instances that pass every update to each other, like two clients of one server. */
function linkedAwareness(): [Awareness, Awareness] {
  const a = new Awareness(new Y.Doc())
  const b = new Awareness(new Y.Doc())
  relay(a, b)
  relay(b, a)
  return [a, b]
}

const alice: PresenceUser = { id: 'alice', name: 'Alice', color: '#1971c2' }
const bob: PresenceUser = { id: 'bob', name: 'Bob', color: '#2f9e44' }

function presences(store: TLStore): TLInstancePresence[] {
  return store
    .allRecords()
    .filter((record): record is TLInstancePresence => record.typeName === 'instance_presence')
}

/** Alice's store, and Bob's awareness and store, bound and linked: what Alice sees of Bob. */
function aliceSeesBob() {
  const [mine, theirs] = linkedAwareness()
  const store = boardStore()
  bindPresence(store, mine, atom('user', alice))
  const theirStore = boardStore()
  bindPresence(theirStore, theirs, atom('user', bob))
  return { store, theirs, theirStore }
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

  it('times a collaborator’s activity by this browser’s clock, whatever theirs says', () => {
    const { store, theirStore } = aliceSeesBob()
    const activity = () => presences(store)[0]?.lastActivityTimestamp

    // Bob's clock is ten minutes behind: by it, his pointer has just moved.
    theirStore.update(TLPOINTER_ID, (pointer) => ({
      ...pointer,
      x: 5,
      lastActivityTimestamp: Date.now() - 600_000,
    }))
    vi.advanceTimersByTime(50)
    expect(activity()).toBe(Date.now())
  })

  it('counts a change of view as activity, and an awareness renewal of an unchanged presence as none', () => {
    const { store, theirs, theirStore } = aliceSeesBob()
    const joined = Date.now()
    const activity = () => presences(store)[0]?.lastActivityTimestamp

    // What y-protocols does every 15 seconds to say "still here".
    vi.advanceTimersByTime(20_000)
    theirs.setLocalState(theirs.getLocalState())
    expect(activity()).toBe(joined)

    // Bob's view changes; the activity stamp his own browser sends does not matter here.
    const camera = CameraRecordType.createId(theirStore.get(TLINSTANCE_ID)?.currentPageId)
    const zoomed = Date.now()
    theirStore.update(camera, (record) => ({ ...record, z: 2 }))
    vi.advanceTimersByTime(50)
    expect(theirs.getLocalState()?.presence.camera).toMatchObject({ z: 2 })
    expect(activity()).toBe(zoomed)
  })

  it('makes the presence a person last changed their latest, whatever the clocks, so following them follows that one', () => {
    const mine = new Awareness(new Y.Doc())
    const store = boardStore()
    bindPresence(store, mine, atom('user', alice))
    /** One of Bob's browsers, whose presence reaches Alice from its first change on. */
    const browserOfBob = () => {
      const awareness = new Awareness(new Y.Doc())
      const tabStore = boardStore()
      bindPresence(tabStore, awareness, atom('user', bob))
      relay(awareness, mine, { later: true })
      return { awareness, store: tabStore }
    }
    // Bob pointed at something on his laptop, whose clock is five minutes fast, then went on at the
    // meeting room's computer.
    const laptop = browserOfBob()
    laptop.store.update(TLPOINTER_ID, (pointer) => ({
      ...pointer,
      x: 5,
      lastActivityTimestamp: Date.now() + 300_000,
    }))
    vi.advanceTimersByTime(1000)
    const room = browserOfBob()
    vi.advanceTimersByTime(1000)
    const camera = CameraRecordType.createId(room.store.get(TLINSTANCE_ID)?.currentPageId)
    room.store.update(camera, (record) => ({ ...record, x: -400 }))
    room.store.update(TLPOINTER_ID, (pointer) => ({ ...pointer, lastActivityTimestamp: Date.now() }))
    vi.advanceTimersByTime(50)

    const latest = presences(store).reduce((a, b) =>
      (a.lastActivityTimestamp ?? 0) > (b.lastActivityTimestamp ?? 0) ? a : b,
    )
    expect(latest.id).toBe(presenceId(room.awareness.clientID))
    expect(latest.camera).toMatchObject({ x: -400 })
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
