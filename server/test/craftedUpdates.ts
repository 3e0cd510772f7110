import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'

/*
 * Updates made by hand, for what no Yjs client writes but an attacker can: the tests of the update
 * guard and of the sync server send them.
 */

/** One client's run of hand-made items, as the wire carries it. */
export interface Run {
  client: number
  clock: number
  items: Y.Item[]
}

/** An update of hand-made items, for what no Yjs client writes; deletions as `[client, clock, len]`. */
export function craft(runs: Run[], deletes: [number, number, number][] = []): Uint8Array {
  const encoder = new Y.UpdateEncoderV1()
  encoding.writeVarUint(encoder.restEncoder, runs.length)
  for (const { client, clock, items } of runs) {
    encoding.writeVarUint(encoder.restEncoder, items.length)
    encoder.writeClient(client)
    encoding.writeVarUint(encoder.restEncoder, clock)
    for (const item of items) item.write(encoder, 0)
  }
  encoding.writeVarUint(encoder.restEncoder, deletes.length)
  for (const [client, clock, len] of deletes) {
    encoding.writeVarUint(encoder.restEncoder, client)
    encoding.writeVarUint(encoder.restEncoder, 1)
    encoder.writeDsClock(clock)
    encoder.writeDsLen(len)
  }
  return encoder.toUint8Array()
}

/** A one-value item; `parent` is a root name or the id of the type that holds it. */
export function item(
  id: [number, number],
  {
    parent = null,
    key = null,
    origin = null,
    rightOrigin = null,
    value = 'x',
  }: {
    parent?: string | Y.ID | null
    key?: string | null
    origin?: Y.ID | null
    rightOrigin?: Y.ID | null
    value?: unknown
  },
): Y.Item {
  return new Y.Item(
    Y.createID(id[0], id[1]),
    null,
    origin,
    null,
    rightOrigin,
    parent as never,
    key,
    new Y.ContentAny([value]),
  )
}
