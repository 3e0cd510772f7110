import { CloseCode, VOTES_KEY } from '@refinery/shared'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { checkClientUpdate } from './updateGuard'

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

function updateOf(doc: Y.Doc, change: () => void): Uint8Array {
  const before = Y.encodeStateVector(doc)
  change()
  return Y.encodeStateAsUpdate(doc, before)
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
