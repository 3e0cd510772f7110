import { CloseCode, getRecords, putRecord } from '@refinery/shared'
import { cardAt, frame, page, step } from '@refinery/shared/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { updateOf } from '../../test/helpers'
import { setLocks } from '../facilitation/locks'
import { checkClientUpdate } from './updateGuard'

const LOCKED = ['shape:step', 'shape:card']
const UNLOCKED = ['shape:open-step', 'shape:open-card']

/** A board whose owner locked a journey step and a card (in a frame), and a client that synced it. */
function lockedBoard() {
  const server = new Y.Doc()
  const records = getRecords(server)
  server.transact(() => {
    putRecord(records, page)
    putRecord(records, frame('frame', 0, 0))
    putRecord(records, step('step', 0, 'Sign up'))
    putRecord(records, step('open-step', 300, 'Pay'))
    putRecord(records, cardAt('card', 120, 75, { acceptance: ['one', 'two'] }, 'shape:frame'))
    putRecord(records, cardAt('open-card', 420, 75, { acceptance: ['one', 'two'] }))
  })
  expect(setLocks(server, LOCKED, true)).toEqual([...LOCKED].sort())
  const client = new Y.Doc()
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
  return { server, client }
}

const recordOf = (doc: Y.Doc, id: string) => getRecords(doc).get(id) as Y.Map<unknown>
const propsOf = (doc: Y.Doc, id: string) => recordOf(doc, id).get('props') as Y.Map<unknown>

/** Every way a client changes a shape: each of its fields, its texts and lists, or the record itself. */
const EDITS = {
  move: (doc: Y.Doc, id: string) => recordOf(doc, id).set('x', 999),
  reparent: (doc: Y.Doc, id: string) => recordOf(doc, id).set('parentId', 'page:main'),
  resize: (doc: Y.Doc, id: string) => propsOf(doc, id).set('w', 10),
  dropProp: (doc: Y.Doc, id: string) => propsOf(doc, id).delete('h'),
  meta: (doc: Y.Doc, id: string) => (recordOf(doc, id).get('meta') as Y.Map<unknown>).set('note', 1),
  replaceProps: (doc: Y.Doc, id: string) => recordOf(doc, id).set('props', new Y.Map()),
  type: (doc: Y.Doc, id: string) => (propsOf(doc, id).get('title') as Y.Text).insert(0, 'typed '),
  erase: (doc: Y.Doc, id: string) => (propsOf(doc, id).get('title') as Y.Text).delete(0, 1),
  addCriterion: (doc: Y.Doc, id: string) => {
    const list = propsOf(doc, id).get('acceptance')
    if (list instanceof Y.Array) list.push([new Y.Text('three')])
    else propsOf(doc, id).set('note', 'no list on a step')
  },
  dropCriterion: (doc: Y.Doc, id: string) => {
    const list = propsOf(doc, id).get('acceptance')
    if (list instanceof Y.Array) list.delete(0, 1)
    else propsOf(doc, id).delete('description')
  },
  typeInCriterion: (doc: Y.Doc, id: string) => {
    const list = propsOf(doc, id).get('acceptance')
    // The last criterion: an earlier edit in the same update may have dropped one, or all.
    const last = list instanceof Y.Array ? list.get(list.length - 1) : null
    if (last instanceof Y.Text) last.insert(0, '!')
    else if (list instanceof Y.Array) list.push([new Y.Text('!')])
    else {
      const description = propsOf(doc, id).get('description')
      if (description instanceof Y.Text) description.insert(0, '!')
      else propsOf(doc, id).set('description', new Y.Text('!'))
    }
  },
  delete: (doc: Y.Doc, id: string) => getRecords(doc).delete(id),
  replace: (doc: Y.Doc, id: string) => getRecords(doc).set(id, new Y.Map()),
} satisfies Record<string, (doc: Y.Doc, id: string) => void>

const refusedAsLocked = (server: Y.Doc, update: Uint8Array, bypassLocks = false) =>
  checkClientUpdate(server, update, undefined, { bypassLocks })?.code === CloseCode.LockedShape

describe('checkClientUpdate: locked shapes', () => {
  it.each(Object.keys(EDITS))('refuses a %s of a locked shape from anyone but an owner', (name) => {
    const edit = EDITS[name as keyof typeof EDITS]
    for (const id of LOCKED) {
      const { server, client } = lockedBoard()
      const update = updateOf(client, () => edit(client, id))
      expect(refusedAsLocked(server, update), id).toBe(true)
      expect(refusedAsLocked(server, update, true), `${id} by an owner`).toBe(false)
    }
  })

  it.each(Object.keys(EDITS))('lets a %s of an unlocked shape through', (name) => {
    const edit = EDITS[name as keyof typeof EDITS]
    for (const id of UNLOCKED) {
      const { server, client } = lockedBoard()
      expect(
        checkClientUpdate(
          server,
          updateOf(client, () => edit(client, id)),
        ),
        id,
      ).toBeNull()
    }
  })

  it('refuses the deletion of a frame that takes a locked card with it, as tldraw deletes children', () => {
    const { server, client } = lockedBoard()
    const update = updateOf(client, () => {
      getRecords(client).delete('shape:frame')
      getRecords(client).delete('shape:card')
    })
    expect(refusedAsLocked(server, update)).toBe(true)
  })

  it('never refuses a new shape, even under the id of a locked shape an owner deleted', () => {
    const { server, client } = lockedBoard()
    const created = updateOf(client, () => putRecord(getRecords(client), step('new', 0, 'New')))
    expect(checkClientUpdate(server, created)).toBeNull()
    Y.applyUpdate(server, created)
    server.transact(() => getRecords(server).delete('shape:step'))
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server, Y.encodeStateVector(client)))
    const again = updateOf(client, () => putRecord(getRecords(client), step('step', 0, 'Again')))
    expect(checkClientUpdate(server, again)).toBeNull()
  })

  it('lets everything through once the owner unlocks', () => {
    const { server, client } = lockedBoard()
    setLocks(server, LOCKED, false)
    for (const id of LOCKED) {
      const moved = updateOf(client, () => EDITS.move(client, id))
      expect(checkClientUpdate(server, moved), id).toBeNull()
      Y.applyUpdate(server, moved)
    }
  })
})

describe('checkClientUpdate against generated edits of locked shapes', () => {
  const edit = fc.record({
    name: fc.constantFrom(...(Object.keys(EDITS) as (keyof typeof EDITS)[])),
    shape: fc.constantFrom(...LOCKED, ...UNLOCKED),
  })
  const newShape = fc.record({ name: fc.constant('create' as const), shape: fc.uuid() })

  it('refuses a non-owner’s update iff it touches a locked shape, and never an owner’s', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(edit, newShape), { minLength: 1, maxLength: 6 }), (edits) => {
        const { server, client } = lockedBoard()
        const touched = new Set<string>()
        const update = updateOf(client, () => {
          for (const { name, shape } of edits) {
            if (name === 'create') {
              putRecord(getRecords(client), cardAt(shape, 0, 0))
              continue
            }
            // An edit of a shape this update already deleted does nothing; skip it as tldraw would.
            if (!getRecords(client).has(shape) || !(recordOf(client, shape).get('props') instanceof Y.Map))
              continue
            if (
              name !== 'replaceProps' &&
              name !== 'replace' &&
              name !== 'delete' &&
              propsOf(client, shape).size === 0
            )
              continue
            EDITS[name](client, shape)
            touched.add(shape)
          }
        })
        const touchesLocked = LOCKED.some((id) => touched.has(id))
        expect(refusedAsLocked(server, update)).toBe(touchesLocked)
        if (!touchesLocked) expect(checkClientUpdate(server, update)).toBeNull()
        expect(checkClientUpdate(server, update, undefined, { bypassLocks: true })).toBeNull()
      }),
    )
  })
})
