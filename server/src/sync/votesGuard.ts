import { VOTES_KEY } from '@refinery/shared'
import * as Y from 'yjs'

// biome-ignore lint/suspicious/noExplicitAny: Yjs types its shared types by their event type; any type will do here.
type AnyType = Y.AbstractType<any>

type Placement = 'votes' | 'elsewhere' | 'unknown'

/** Deeper than any legitimate document nests; a hostile chain of references stops here. */
const MAX_DEPTH = 64

function underVotes(type: AnyType | null, votes: AnyType): boolean {
  let current: AnyType | null = type
  for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
    if (current === votes) return true
    current = (current._item?.parent as AnyType | undefined) ?? null
  }
  return false
}

/**
 * Whether a client's update would write the server-owned `votes` map: an insert under it, or a delete
 * of something in it. Decided before the update is applied. Yjs leaves an item's parent out of the
 * wire when it can be inferred from the item's neighbours, so a parent is found through the item's
 * origin, in the update itself or in the document.
 */
export function touchesVotes(doc: Y.Doc, update: Uint8Array): boolean {
  const votes = doc.getMap(VOTES_KEY)
  const { structs, ds } = Y.decodeUpdate(update)

  const byClient = new Map<number, Y.Item[]>()
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue
    const list = byClient.get(struct.id.client)
    if (list) list.push(struct)
    else byClient.set(struct.id.client, [struct])
  }

  const placeOfId = (id: Y.ID, depth: number): Placement => {
    const local = byClient
      .get(id.client)
      ?.find((item) => id.clock >= item.id.clock && id.clock < item.id.clock + item.length)
    if (local) return placeOfItem(local, depth + 1)
    const known = doc.store.clients.get(id.client)
    if (!known || Y.getState(doc.store, id.client) <= id.clock) return 'unknown'
    const item = known[Y.findIndexSS(known, id.clock)]
    if (!(item instanceof Y.Item)) return 'elsewhere'
    return underVotes(item.parent as AnyType, votes) ? 'votes' : 'elsewhere'
  }

  const placeOfItem = (item: Y.Item, depth: number): Placement => {
    if (depth > MAX_DEPTH) return 'votes'
    const parent = item.parent as unknown
    if (typeof parent === 'string') return parent === VOTES_KEY ? 'votes' : 'elsewhere'
    if (parent instanceof Y.ID) return placeOfId(parent, depth)
    if (item.origin) return placeOfId(item.origin, depth)
    if (item.rightOrigin) return placeOfId(item.rightOrigin, depth)
    return 'unknown'
  }

  // An item whose neighbours are unknown (they arrive later) is checked again when they do: every
  // chain of items starts at one that names its parent, so nothing reaches `votes` unseen.
  for (const list of byClient.values()) {
    for (const item of list) if (placeOfItem(item, 0) === 'votes') return true
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
