import { VOTES_KEY } from '@refinery/shared'
import * as Y from 'yjs'

// biome-ignore lint/suspicious/noExplicitAny: Yjs types its shared types by their event type; any type will do here.
type AnyType = Y.AbstractType<any>

type Placement = 'votes' | 'elsewhere' | 'unknown'

function underVotes(type: AnyType | null, votes: AnyType): boolean {
  for (
    let current: AnyType | null = type;
    current;
    current = (current._item?.parent as AnyType | undefined) ?? null
  ) {
    if (current === votes) return true
  }
  return false
}

/** The struct of a sorted run of structs that holds `clock`, by binary search. */
function structAt<T extends { id: Y.ID; length: number }>(
  structs: readonly T[],
  clock: number,
): T | undefined {
  let low = 0
  let high = structs.length - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    const struct = structs[middle] as T
    if (clock < struct.id.clock) high = middle - 1
    else if (clock >= struct.id.clock + struct.length) low = middle + 1
    else return struct
  }
  return undefined
}

/**
 * Whether a client's update would write the server-owned `votes` map: an insert under it, or a delete
 * of something in it. Decided before the update is applied. Yjs leaves an item's parent out of the
 * wire when it can be inferred from the item's neighbours, so a parent is found through the item's
 * origin, in the update itself or in the document. Linear in the size of the update.
 */
export function touchesVotes(doc: Y.Doc, update: Uint8Array): boolean {
  const votes = doc.getMap(VOTES_KEY)
  const { structs, ds } = Y.decodeUpdate(update)

  // Structs of one client come in clock order, so each client's run can be searched by clock.
  const byClient = new Map<number, Y.Item[]>()
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue
    const run = byClient.get(struct.id.client)
    if (run) run.push(struct)
    else byClient.set(struct.id.client, [struct])
  }

  const placed = new Map<Y.Item, Placement>()

  /** Where the item or document struct at `id` lives; `next` is set when it is an item of this update. */
  const lookUp = (id: Y.ID): { placement?: Placement; next?: Y.Item } => {
    const local = byClient.get(id.client)
    const item = local && structAt(local, id.clock)
    if (item) return { next: item }
    const known = doc.store.clients.get(id.client)
    if (!known || Y.getState(doc.store, id.client) <= id.clock) return { placement: 'unknown' }
    const struct = known[Y.findIndexSS(known, id.clock)]
    if (!(struct instanceof Y.Item)) return { placement: 'elsewhere' }
    return { placement: underVotes(struct.parent as AnyType, votes) ? 'votes' : 'elsewhere' }
  }

  /**
   * Follows an item's parent, or its origin when the parent is not on the wire, until a placement is
   * known, then records it for every item on the way: long chains (a card moved a hundred times
   * offline) cost one walk, not one per item.
   */
  const placeOf = (start: Y.Item): Placement => {
    const path: Y.Item[] = []
    const onPath = new Set<Y.Item>()
    let item: Y.Item | undefined = start
    let placement: Placement = 'unknown'
    while (item) {
      const known = placed.get(item)
      if (known) {
        placement = known
        break
      }
      if (onPath.has(item)) break
      path.push(item)
      onPath.add(item)
      const parent = item.parent as unknown
      if (typeof parent === 'string') {
        placement = parent === VOTES_KEY ? 'votes' : 'elsewhere'
        break
      }
      const reference = parent instanceof Y.ID ? parent : (item.origin ?? item.rightOrigin)
      if (!reference) break
      const found = lookUp(reference)
      if (found.placement) {
        placement = found.placement
        break
      }
      item = found.next
    }
    for (const visited of path) placed.set(visited, placement)
    return placement
  }

  // An item whose neighbours are unknown (they arrive later) is checked again when they do: every
  // chain of items starts at one that names its parent, so nothing reaches `votes` unseen. An item the
  // server already holds changes nothing (Yjs skips it), so the server's own votes, sent back by a
  // client that syncs against an older state vector, are not a write.
  for (const [client, run] of byClient) {
    const held = Y.getState(doc.store, client)
    for (const item of run) {
      if (item.id.clock + item.length <= held) continue
      if (placeOf(item) === 'votes') return true
    }
  }

  for (const [client, deletes] of ds.clients) {
    const known = doc.store.clients.get(client)
    if (!known) continue
    const state = Y.getState(doc.store, client)
    for (const { clock, len } of deletes) {
      if (clock >= state) continue
      for (let i = Y.findIndexSS(known, clock); i < known.length; i++) {
        const struct = known[i] as Y.Item | Y.GC
        if (struct.id.clock >= clock + len) break
        // A client always sends its whole delete set: deletes the server made itself (a vote changed
        // or taken back) come back with it, and deleting what is already deleted changes nothing.
        if (struct instanceof Y.Item && !struct.deleted && underVotes(struct.parent as AnyType, votes))
          return true
      }
    }
  }
  return false
}
