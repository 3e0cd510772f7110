import { BOARD_LIMITS, CloseCode, VOTES_KEY } from '@refinery/shared'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { craft, item } from '../../test/craftedUpdates'
import { updateOf } from '../../test/helpers'
import { checkClientUpdate, imageSourceLimit } from './updateGuard'

/** A server document with a vote written by the server, and a client that has synced it. */
function synced() {
  const server = new Y.Doc()
  server.getMap(VOTES_KEY).set('shape:a|u1', 2)
  server.getMap('records').set('shape:a', new Y.Map())
  const client = new Y.Doc()
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
  return { server, client }
}

/** Whether the guard refuses `update` as a write to a server-owned root. */
function touchesVotes(server: Y.Doc, update: Uint8Array): boolean {
  return checkClientUpdate(server, update)?.code === CloseCode.ServerOwnedWrite
}

describe('checkClientUpdate: the server-owned votes', () => {
  it('lets ordinary record edits through', () => {
    const { server, client } = synced()
    const update = updateOf(client, () => {
      client.getMap('records').set('shape:b', 'card')
      ;(client.getMap('records').get('shape:a') as Y.Map<unknown>).set('x', 5)
    })
    expect(touchesVotes(server, update)).toBe(false)
  })

  it('catches a new vote key (the parent named on the wire)', () => {
    const { server, client } = synced()
    expect(
      touchesVotes(
        server,
        updateOf(client, () => client.getMap(VOTES_KEY).set('shape:a|u2', 5)),
      ),
    ).toBe(true)
  })

  it('catches an overwrite of an existing vote (the parent inferred from its origin)', () => {
    const { server, client } = synced()
    expect(
      touchesVotes(
        server,
        updateOf(client, () => client.getMap(VOTES_KEY).set('shape:a|u1', 99)),
      ),
    ).toBe(true)
  })

  it('catches the deletion of someone’s vote', () => {
    const { server, client } = synced()
    expect(
      touchesVotes(
        server,
        updateOf(client, () => client.getMap(VOTES_KEY).delete('shape:a|u1')),
      ),
    ).toBe(true)
  })

  it('catches a vote hidden among record edits in one update', () => {
    const { server, client } = synced()
    const update = updateOf(client, () => {
      client.getMap('records').set('shape:c', 'card')
      client.getMap(VOTES_KEY).set('shape:c|u1', 1)
    })
    expect(touchesVotes(server, update)).toBe(true)
  })

  it('catches a chain of two overwrites of a vote in one update', () => {
    const { server, client } = synced()
    const update = updateOf(client, () => {
      client.getMap(VOTES_KEY).set('shape:a|u1', 3)
      client.getMap(VOTES_KEY).set('shape:a|u1', 4)
    })
    expect(touchesVotes(server, update)).toBe(true)
  })

  it('lets a reconnecting client send back deletes of votes the server made itself', () => {
    const { server, client } = synced()
    // The server changes a vote (deleting the old value) and the client receives it.
    const change = updateOf(server, () => server.getMap(VOTES_KEY).set('shape:a|u1', 3))
    Y.applyUpdate(client, change)
    // On reconnect the client answers with all the server lacks: nothing, plus its whole delete set.
    const reply = Y.encodeStateAsUpdate(client, Y.encodeStateVector(server))
    expect(touchesVotes(server, reply)).toBe(false)
  })

  it('lets through a long chain of overwrites, as a card moved many times offline sends', () => {
    const { server, client } = synced()
    const before = Y.encodeStateVector(server)
    const card = client.getMap('records').get('shape:a') as Y.Map<unknown>
    for (let x = 0; x < 300; x++) card.set('x', x)
    expect(touchesVotes(server, Y.encodeStateAsUpdate(client, before))).toBe(false)
  })

  it('still catches a vote written after a long chain of overwrites of it', () => {
    const { server, client } = synced()
    const before = Y.encodeStateVector(server)
    for (let dots = 0; dots < 300; dots++) client.getMap(VOTES_KEY).set('shape:a|u1', dots)
    expect(touchesVotes(server, Y.encodeStateAsUpdate(client, before))).toBe(true)
  })

  it('lets a client send back the server’s own votes, which the server already holds', () => {
    const { server, client } = synced()
    server.getMap(VOTES_KEY).set('shape:a|u2', 1)
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
    // A client that syncs against an older state vector sends everything since: votes included.
    expect(touchesVotes(server, Y.encodeStateAsUpdate(client))).toBe(false)
  })

  it('does not mistake the deletion of a record for a vote change', () => {
    const { server, client } = synced()
    expect(
      touchesVotes(
        server,
        updateOf(client, () => client.getMap('records').delete('shape:a')),
      ),
    ).toBe(false)
  })
})

function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  return copy
}

const codeOf = (server: Y.Doc, update: Uint8Array) => checkClientUpdate(server, update)?.code ?? null

describe('checkClientUpdate: updates Yjs cannot apply', () => {
  it('refuses an item that refers to a later change of its own client, on which Yjs throws', () => {
    const { server } = synced()
    const poison = craft([{ client: 77, clock: 0, items: [item([77, 0], { origin: Y.createID(77, 5) })] }])
    expect(() => Y.applyUpdate(copyOf(server), poison)).toThrow()
    expect(codeOf(server, poison)).toBe(CloseCode.UnappliableUpdate)
  })

  it('refuses an item whose parent is not a shared type', () => {
    const { server } = synced()
    const vote = server.getMap(VOTES_KEY)._map.get('shape:a|u1') as Y.Item
    const update = craft([{ client: 78, clock: 0, items: [item([78, 0], { parent: vote.id, key: 'x' })] }])
    expect(codeOf(server, update)).toBe(CloseCode.UnappliableUpdate)
  })

  it('refuses items that refer to each other in a circle', () => {
    const { server } = synced()
    const update = craft([
      { client: 80, clock: 0, items: [item([80, 0], { origin: Y.createID(81, 0) })] },
      { client: 81, clock: 0, items: [item([81, 0], { origin: Y.createID(80, 0) })] },
    ])
    expect(codeOf(server, update)).toBe(CloseCode.UnappliableUpdate)
  })

  it('refuses an update that lists one client twice', () => {
    const { server } = synced()
    const update = craft([
      { client: 82, clock: 0, items: [item([82, 0], { parent: 'records', key: 'a' })] },
      { client: 83, clock: 0, items: [item([83, 0], { parent: 'records', key: 'b' })] },
      { client: 82, clock: 1, items: [item([82, 1], { parent: 'records', key: 'c' })] },
    ])
    expect(codeOf(server, update)).toBe(CloseCode.UnappliableUpdate)
  })

  it('refuses neighbours in two different places', () => {
    const { server } = synced()
    const records = getRecordsItem(server, 'shape:a')
    const vote = server.getMap(VOTES_KEY)._map.get('shape:a|u1') as Y.Item
    const update = craft([
      { client: 84, clock: 0, items: [item([84, 0], { origin: records.id, rightOrigin: vote.id })] },
    ])
    expect(codeOf(server, update)).not.toBeNull()
  })

  it('refuses a subdocument', () => {
    const { server } = synced()
    const subdoc = new Y.Item(
      Y.createID(85, 0),
      null,
      null,
      null,
      null,
      'records' as never,
      'doc',
      new Y.ContentDoc(new Y.Doc()),
    )
    expect(codeOf(server, craft([{ client: 85, clock: 0, items: [subdoc] }]))).toBe(
      CloseCode.UnappliableUpdate,
    )
  })
})

function getRecordsItem(doc: Y.Doc, key: string): Y.Item {
  return doc.getMap('records')._map.get(key) as Y.Item
}

describe('checkClientUpdate: updates that build on what the server does not have', () => {
  it('refuses an item whose neighbour the server has not written yet (the forged votes of issue 14)', () => {
    const { server, client } = synced()
    // The attacker predicts the server's next vote: the server's client id and its next clock.
    const future = new Y.Doc()
    Y.applyUpdate(future, Y.encodeStateAsUpdate(server))
    // Set after: Yjs gives a document a new id when a remote update uses its own.
    future.clientID = server.clientID
    future.getMap(VOTES_KEY).set('shape:a|u2', 1)
    Y.applyUpdate(client, Y.encodeStateAsUpdate(future))
    const predicted = Y.encodeStateVector(future)
    client.getMap(VOTES_KEY).set('shape:a|u2', 99)
    // Sent without the predicted item itself, whose parent would give it away.
    const forged = Y.encodeStateAsUpdate(client, predicted)
    expect(codeOf(server, forged)).toBe(CloseCode.Resync)
    // With it, the predicted item is a write to `votes` in its own right.
    expect(codeOf(server, Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)))).toBe(
      CloseCode.ServerOwnedWrite,
    )
  })

  it('refuses a copy of something the server holds that names a parent it lacks (found by the fuzz suite)', () => {
    const { server } = synced()
    const held = getRecordsItem(server, 'shape:a')
    const copy = craft([
      {
        client: held.id.client,
        clock: held.id.clock,
        items: [item([held.id.client, held.id.clock], { parent: Y.createID(999_999, 3), key: 'x' })],
      },
    ])
    // Yjs does not integrate what it holds again, but looks its parent up: missing, it waits pending.
    const applied = copyOf(server)
    Y.applyUpdate(applied, copy)
    expect(applied.store.pendingStructs).not.toBeNull()
    expect(codeOf(server, copy)).toBe(CloseCode.Resync)
  })

  it('refuses an update that starts past what the server holds of a client', () => {
    const { server, client } = synced()
    const records = client.getMap('records')
    records.set('first', 1)
    const after = Y.encodeStateVector(client)
    records.set('second', 2)
    expect(codeOf(server, Y.encodeStateAsUpdate(client, after))).toBe(CloseCode.Resync)
  })

  it('refuses a deletion of what the server does not hold, which Yjs would keep pending', () => {
    const { server } = synced()
    const update = craft([], [[server.clientID, 100, 5]])
    expect(codeOf(server, update)).toBe(CloseCode.Resync)
  })

  it('lets through an update sent twice, and an update merged with what the server holds', () => {
    const { server, client } = synced()
    const update = updateOf(client, () => client.getMap('records').set('shape:b', 'card'))
    Y.applyUpdate(server, update)
    expect(codeOf(server, update)).toBeNull()
    const more = updateOf(client, () => client.getMap('records').set('shape:c', 'card'))
    expect(codeOf(server, Y.mergeUpdates([update, more]))).toBeNull()
  })
})

describe('checkClientUpdate: sizes', () => {
  const cardWith = (client: Y.Doc, field: string, value: unknown) =>
    updateOf(client, () => {
      const props = new Y.Map<unknown>()
      const card = new Y.Map<unknown>()
      card.set('props', props)
      client.getMap('records').set('shape:big', card)
      props.set(field, value)
    })

  it('takes a story field of exactly the limit and refuses one character more', () => {
    const chars = BOARD_LIMITS.fieldChars
    expect(codeOf(synced().server, cardWith(synced().client, 'title', 'a'.repeat(chars)))).toBeNull()
    const { server, client } = synced()
    expect(codeOf(server, cardWith(client, 'iWant', 'a'.repeat(chars + 1)))).toBe(CloseCode.TooLarge)
  })

  it('refuses a list field with too many entries, or one entry too long', () => {
    const { server, client } = synced()
    const many = Array.from({ length: BOARD_LIMITS.listEntries + 1 }, (_, i) => `criterion ${i}`)
    expect(codeOf(server, cardWith(client, 'acceptance', many))).toBe(CloseCode.TooLarge)
    const long = ['ok', 'b'.repeat(BOARD_LIMITS.fieldChars + 1)]
    expect(codeOf(synced().server, cardWith(synced().client, 'labels', long))).toBe(CloseCode.TooLarge)
  })

  it('refuses any other value over the byte limit, images aside', () => {
    const huge = 'c'.repeat(BOARD_LIMITS.valueBytes + 1)
    expect(codeOf(synced().server, cardWith(synced().client, 'richText', { text: huge }))).toBe(
      CloseCode.TooLarge,
    )
    expect(
      codeOf(synced().server, cardWith(synced().client, 'src', `data:image/png;base64,${huge}`)),
    ).toBeNull()
  })

  it('takes an image src up to MAX_ASSET_BYTES as a base64 data: URL, and refuses one character more', () => {
    // The server moves such an image out of the document (issue 15); one it could not take is refused.
    const limits = { imageSourceChars: imageSourceLimit(1024 * 1024) }
    expect(limits.imageSourceChars).toBe(256 + 4 * Math.ceil((1024 * 1024) / 3))
    const at = (chars: number) => `data:image/png;base64,${'A'.repeat(chars - 22)}`
    const check = (value: string) =>
      checkClientUpdate(synced().server, cardWith(synced().client, 'src', value), limits)?.code ?? null
    expect(check(at(limits.imageSourceChars))).toBeNull()
    expect(check(at(limits.imageSourceChars + 1))).toBe(CloseCode.TooLarge)
    // Other keys keep their own limit.
    const other = checkClientUpdate(
      synced().server,
      cardWith(synced().client, 'image', at(BOARD_LIMITS.valueBytes + 1)),
      limits,
    )
    expect(other?.code).toBe(CloseCode.TooLarge)
  })

  it('takes a 10 MiB image as a data: URL by default, and never holds src to less than other values', () => {
    expect(imageSourceLimit(10 * 1024 * 1024)).toBeGreaterThan((10 * 1024 * 1024 * 4) / 3)
    const { server, client } = synced()
    expect(checkClientUpdate(server, cardWith(client, 'src', 'x'.repeat(13_000_000)))).toBeNull()
    expect(imageSourceLimit(10)).toBe(BOARD_LIMITS.valueBytes)
  })

  it('counts a Y.Text field as a whole: typing past the limit is refused, replacing at it is not', () => {
    const { server, client } = synced()
    const title = new Y.Text('a'.repeat(BOARD_LIMITS.fieldChars - 2))
    const setUp = updateOf(client, () => {
      const props = new Y.Map<unknown>()
      client.getMap('records').set('shape:text', new Y.Map([['props', props]]))
      props.set('title', title)
    })
    expect(codeOf(server, setUp)).toBeNull()
    Y.applyUpdate(server, setUp)
    const twoMore = updateOf(client, () => title.insert(0, 'bb'))
    expect(codeOf(server, twoMore)).toBeNull()
    Y.applyUpdate(server, twoMore)
    const other = copyOf(client)
    const props = (other.getMap('records').get('shape:text') as Y.Map<Y.Map<unknown>>).get('props')
    const otherTitle = props?.get('title') as Y.Text
    expect(
      codeOf(
        server,
        updateOf(other, () => otherTitle.insert(0, 'c')),
      ),
    ).toBe(CloseCode.TooLarge)
    const replace = updateOf(client, () => {
      title.delete(0, 3)
      title.insert(0, 'ddd')
    })
    expect(codeOf(server, replace)).toBeNull()
  })
})

describe('checkClientUpdate: acceptance criteria as a Y.Array of Y.Text', () => {
  const withCriteria = (client: Y.Doc, criteria: Y.Text[]) =>
    updateOf(client, () => {
      const props = new Y.Map<unknown>()
      client.getMap('records').set('shape:card', new Y.Map([['props', props]]))
      const list = new Y.Array<Y.Text>()
      list.push(criteria)
      props.set('acceptance', list)
    })

  it('holds each criterion to the field limit, new or typed into', () => {
    const chars = BOARD_LIMITS.fieldChars
    expect(codeOf(synced().server, withCriteria(synced().client, [new Y.Text('a'.repeat(chars))]))).toBeNull()
    const long = [new Y.Text('ok'), new Y.Text('b'.repeat(chars + 1))]
    expect(codeOf(synced().server, withCriteria(synced().client, long))).toBe(CloseCode.TooLarge)

    const { server, client } = synced()
    const criterion = new Y.Text('c'.repeat(chars))
    const setUp = withCriteria(client, [criterion])
    Y.applyUpdate(server, setUp)
    expect(
      codeOf(
        server,
        updateOf(client, () => criterion.insert(0, 'd')),
      ),
    ).toBe(CloseCode.TooLarge)
  })

  it('holds the list to its number of entries, across updates', () => {
    const { server, client } = synced()
    const some = Array.from({ length: BOARD_LIMITS.listEntries }, (_, i) => new Y.Text(`criterion ${i}`))
    const setUp = withCriteria(client, some)
    expect(codeOf(server, setUp)).toBeNull()
    Y.applyUpdate(server, setUp)
    const list = (client.getMap('records').get('shape:card') as Y.Map<Y.Map<unknown>>)
      .get('props')
      ?.get('acceptance') as Y.Array<Y.Text>
    expect(
      codeOf(
        server,
        updateOf(client, () => list.push([new Y.Text('one more')])),
      ),
    ).toBe(CloseCode.TooLarge)
  })
})

/**
 * The attack model: a server that writes votes, and attackers that edit records and votes, sync with
 * the server whenever they like, learn the server's next vote before it is written (its client id and
 * clock are on the wire), and send any slice of what they hold, mutated or not. Whatever the guard
 * lets through is applied, and must never throw, leave anything pending, or change `votes` from what
 * the server wrote.
 */
describe('checkClientUpdate against generated attacks', () => {
  const key = fc.constantFrom('shape:a|u1', 'shape:a|u2', 'shape:b|u1')
  const step = fc.oneof(
    fc.record({ kind: fc.constant('server-vote' as const), key, dots: fc.integer({ min: 0, max: 5 }) }),
    fc.record({
      kind: fc.constant('attacker-edit' as const),
      who: fc.nat(1),
      edit: fc.oneof(
        fc.record({
          root: fc.constant(VOTES_KEY),
          key,
          value: fc.integer({ min: 0, max: 99 }),
          remove: fc.boolean(),
        }),
        fc.record({ root: fc.constant('records'), key, value: fc.integer(), remove: fc.boolean() }),
      ),
    }),
    fc.record({ kind: fc.constant('attacker-predicts' as const), who: fc.nat(1), key }),
    fc.record({ kind: fc.constant('attacker-syncs' as const), who: fc.nat(1) }),
    fc.record({
      kind: fc.constant('attacker-sends' as const),
      who: fc.nat(1),
      since: fc.constantFrom('server', 'last-sent', 'nothing', 'predicted'),
      mutations: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 3 }),
      truncate: fc.option(fc.nat()),
    }),
  )

  it('never lets a client change `votes`, by any path', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const server = new Y.Doc()
        server.getMap('records').set('shape:a', new Y.Map())
        const written = new Map<string, number>()
        const attackers = [0, 1].map(() => {
          const doc = copyOf(server)
          return { doc, lastSent: Y.encodeStateVector(doc), predicted: Y.encodeStateVector(doc) }
        })
        for (const action of steps) {
          if (action.kind === 'server-vote') {
            if (action.dots === 0) server.getMap(VOTES_KEY).delete(action.key)
            else server.getMap(VOTES_KEY).set(action.key, action.dots)
            if (action.dots === 0) written.delete(action.key)
            else written.set(action.key, action.dots)
          } else if (action.kind === 'attacker-edit') {
            const { doc } = attackers[action.who] as (typeof attackers)[number]
            const map = doc.getMap(action.edit.root)
            if (action.edit.remove) map.delete(action.edit.key)
            else map.set(action.edit.key, action.edit.value)
          } else if (action.kind === 'attacker-predicts') {
            const attacker = attackers[action.who] as (typeof attackers)[number]
            const future = copyOf(server)
            future.clientID = server.clientID
            future.getMap(VOTES_KEY).set(action.key, 1)
            Y.applyUpdate(attacker.doc, Y.encodeStateAsUpdate(future))
            attacker.predicted = Y.encodeStateVector(future)
          } else if (action.kind === 'attacker-syncs') {
            Y.applyUpdate(
              (attackers[action.who] as (typeof attackers)[number]).doc,
              Y.encodeStateAsUpdate(server),
            )
          } else {
            const attacker = attackers[action.who] as (typeof attackers)[number]
            const since = {
              server: Y.encodeStateVector(server),
              'last-sent': attacker.lastSent,
              nothing: undefined,
              predicted: attacker.predicted,
            }[action.since]
            let update = Y.encodeStateAsUpdate(attacker.doc, since)
            attacker.lastSent = Y.encodeStateVector(attacker.doc)
            if (action.mutations.length > 0 || action.truncate !== null) {
              update = update.slice(
                0,
                action.truncate === null ? undefined : action.truncate % (update.length + 1),
              )
              for (const [at, byte] of action.mutations)
                if (update.length > 0) update[at % update.length] = byte
            }
            let refused = true
            try {
              refused = checkClientUpdate(server, update) !== null
            } catch {
              // Does not decode: a malformed frame, refused.
            }
            if (!refused) {
              Y.applyUpdate(server, update)
              expect(server.store.pendingStructs).toBeNull()
              expect(server.store.pendingDs).toBeNull()
            }
          }
          expect(server.getMap(VOTES_KEY).toJSON()).toEqual(Object.fromEntries(written))
        }
      }),
      { numRuns: 300 },
    )
  })
})
