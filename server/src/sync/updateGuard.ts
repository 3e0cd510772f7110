import {
  BOARD_LIMITS,
  CloseCode,
  COMMENT_MAX_CHARS,
  COMMENTS_KEY,
  getComments,
  getRecords,
  lockMapOf,
  RECORDS_KEY,
  SERVER_OWNED_ROOTS,
  STORY_TEXT_FIELDS,
} from '@refinery/shared'
import * as Y from 'yjs'
import { DEFAULT_MAX_ASSET_BYTES } from '../config'

// biome-ignore lint/suspicious/noExplicitAny: Yjs types its shared types by their event type; any type will do here.
type AnyType = Y.AbstractType<any>
type Struct = Y.Item | Y.GC | Y.Skip

/** Why a client's update is refused: the close code and reason its socket is closed with. */
export interface Refusal {
  code: number
  reason: string
  /** Refused quietly: the update is dropped and its socket stays open (a voter's update that is no comment). */
  drop?: boolean
}

class Refused extends Error {
  constructor(
    readonly code: number,
    reason: string,
  ) {
    super(reason)
  }
}

const resync = (reason: string) => new Refused(CloseCode.Resync, reason)
const forbidden = (reason: string) => new Refused(CloseCode.Forbidden, reason)
const unappliable = (reason: string) => new Refused(CloseCode.UnappliableUpdate, reason)
const tooLarge = (reason: string) => new Refused(CloseCode.TooLarge, reason)

/**
 * Where Yjs would put an item: under which root, in which parent type, at which map key. `null`
 * stands for an item Yjs garbage-collects on arrival (its parent or a neighbour is gone): it writes
 * nothing.
 */
interface Place {
  root: string
  /** The parent type: `root:<name>`, or the id of the item that holds it. */
  parent: string
  /** The map key the item sits under; null in a list or a text. */
  key: string | null
  /** The key the parent type itself sits under (a `Y.Text` field's name). */
  parentKey: string | null
  /** The parent type, when the document already holds it. */
  type: AnyType | null
  /**
   * The key, in its root, of the entry the item belongs to: a record's id under `records`, a comment's
   * id under `comments`. Null for an item that sits in a root that is not a map.
   */
  entry: string | null
  /** How deep under its root's entry the item sits: 0 for the entry itself, 1 for its fields, … */
  depth: number
}

const idKey = (id: Y.ID) => `${id.client}:${id.clock}`
const samePlace = (a: Place | null, b: Place | null) =>
  a === b || (a !== null && b !== null && a.parent === b.parent && a.key === b.key)

/**
 * An asset's `props.src`. Images live on the server (issue 15) and `src` is their URL, but an older
 * client or a script may still write an image as a `data:` URL: the server takes it and moves the
 * image out of the document (see `assets/inlineImages.ts`), rather than refuse the edit that holds
 * it. So a `src` may be as long as the largest image a board takes as such a URL, and no longer.
 */
const IMAGE_SOURCE_KEY = 'src'

/** Room for a `data:` URL's header (`data:image/svg+xml;charset=utf-8;base64,` and the like). */
const DATA_URL_HEADER_CHARS = 256

/** The longest `src` taken: an image of `maxAssetBytes` as a base64 `data:` URL, or any other value's limit. */
export function imageSourceLimit(maxAssetBytes: number): number {
  return Math.max(BOARD_LIMITS.valueBytes, DATA_URL_HEADER_CHARS + Math.ceil(maxAssetBytes / 3) * 4)
}

/** Limits of the guard that depend on the server's configuration. */
export interface GuardLimits {
  /** The longest `src` value, in characters (see `imageSourceLimit`). */
  imageSourceChars: number
}

const DEFAULT_LIMITS: GuardLimits = { imageSourceChars: imageSourceLimit(DEFAULT_MAX_ASSET_BYTES) }

/** Who sends the update, as far as the guard cares. */
export interface GuardAccess {
  /** Owners may change locked shapes; everyone else's change to one is refused. */
  bypassLocks?: boolean
  /** The signed-in sender: comments are written in their name only. Without it, no comment is taken. */
  author?: { id: string; name: string }
  /** Owners and editors mark anyone's question answered; others only their own. */
  settleQuestions?: boolean
  /**
   * A voter: an update that writes their own comments and nothing else is taken; one that writes no
   * comment is dropped quietly, as a voter's writes always were; one that mixes both is refused.
   */
  commentsOnly?: boolean
}

/** What an update writes into one comment of the `comments` root. */
interface CommentWrite {
  /** A new value under the comment's key: a new comment, or one put in the place of another. */
  replaced: boolean
  /** That new value is a comment's map, whose fields the update brings. */
  created: boolean
  /** The comment is taken out of the board. */
  deleted: boolean
  /** The comment's fields the update writes or deletes. */
  fields: Set<string>
  /** The values it writes, by field: the last one of each. */
  values: Map<string, unknown>
  /** Characters written into the comment's text, less those deleted. */
  textDelta: number
}

function jsonSize(value: unknown): number {
  if (typeof value === 'string') return value.length
  if (value === null || typeof value !== 'object') return 8
  if (value instanceof Uint8Array) return value.byteLength
  return JSON.stringify(value)?.length ?? 0
}

/** The struct of one client's run (in clock order, contiguous) that holds `clock`, by binary search. */
function structAt(run: readonly Struct[], clock: number): Struct | undefined {
  let low = 0
  let high = run.length - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    const struct = run[middle] as Struct
    if (clock < struct.id.clock) high = middle - 1
    else if (clock >= struct.id.clock + struct.length) low = middle + 1
    else return struct
  }
  return undefined
}

/**
 * Decides, before anything of it is applied, whether a client's update may be applied to the board's
 * document: it must be complete (everything it builds on is in the document or in the update, so
 * nothing of it waits in Yjs' pending store to land later, where it was not checked), well-formed for
 * Yjs (nothing that makes `Y.applyUpdate` throw halfway), clear of the server-owned roots by every
 * path (a parent on the wire, a parent inferred from a neighbour, a deletion), and within
 * `BOARD_LIMITS`, and clear of locked shapes unless `access` lets the sender past locks. Returns null
 * when it may, else why not. Throws when the update does not decode.
 * Linear in the size of the update, plus a walk to the root per item it places in the document.
 */
export function checkClientUpdate(
  doc: Y.Doc,
  update: Uint8Array,
  limits: GuardLimits = DEFAULT_LIMITS,
  access: GuardAccess = {},
): Refusal | null {
  let check: UpdateCheck | null = null
  try {
    check = new UpdateCheck(doc, update, limits, access)
    check.run()
    return null
  } catch (error) {
    if (!(error instanceof Refused)) throw error
    // A voter's update that writes no comment was never theirs to send: dropped, as it always was.
    if (access.commentsOnly && (check === null || check.comments.size === 0)) {
      return { code: error.code, reason: error.message, drop: true }
    }
    return { code: error.code, reason: error.message }
  }
}

class UpdateCheck {
  /** The update's structs per client, in clock order. */
  private readonly runs = new Map<number, Struct[]>()
  private readonly inUpdate = new Set<Struct>()
  private readonly ds: ReturnType<typeof Y.decodeUpdate>['ds']
  private readonly places = new Map<Y.Item, Place | null>()
  private rootNames: Map<AnyType, string> | null = null
  /** Characters written to and deleted from story-map `Y.Text` fields, per field. */
  private readonly texts = new Map<string, { type: AnyType | null; key: string; delta: number }>()
  /** Entries added to story-map list fields (acceptance criteria, each a `Y.Text`), per list. */
  private readonly lists = new Map<string, { type: AnyType | null; key: string; added: number }>()

  /** The board's lock map, unless the sender may change locked shapes. */
  private readonly locks: Y.Map<unknown> | null
  /** What the update writes into comments, by comment id. */
  readonly comments = new Map<string, CommentWrite>()
  /** Whether it writes anywhere but the `comments` root. */
  private wroteElsewhere = false

  constructor(
    private readonly doc: Y.Doc,
    update: Uint8Array,
    private readonly limits: GuardLimits,
    private readonly access: GuardAccess,
  ) {
    this.locks = access.bypassLocks ? null : lockMapOf(doc)
    const { structs, ds } = Y.decodeUpdate(update)
    this.ds = ds
    let lastClient: number | null = null
    for (const struct of structs) {
      const client = struct.id.client
      const run = this.runs.get(client)
      if (!run) this.runs.set(client, [struct])
      else if (client !== lastClient) {
        // Yjs would keep only the last run of a client that appears twice, and the check the first.
        throw unappliable('the update lists one client twice')
      } else run.push(struct)
      this.inUpdate.add(struct)
      lastClient = client
    }
  }

  run(): void {
    for (const [client, run] of this.runs) {
      const held = Y.getState(this.doc.store, client)
      if ((run[0] as Struct).id.clock > held)
        throw resync('the update builds on changes the server does not have')
      for (const struct of run) {
        // What the document already holds, Yjs does not integrate again (the server's own votes sent
        // back, for one), but it still looks its neighbours and parent up: one it lacks keeps the
        // update pending, one of its own client's later changes makes it throw.
        if (struct.id.clock + struct.length <= held) {
          if (struct instanceof Y.Item) this.dependencies(struct)
          continue
        }
        if (struct instanceof Y.Skip) throw resync('the update builds on changes the server does not have')
        if (struct instanceof Y.Item) this.checkItem(struct)
      }
    }
    this.checkDeletes()
    for (const { type, key, delta } of this.texts.values()) {
      const length = (type instanceof Y.Text ? type.length : 0) + delta
      if (length > BOARD_LIMITS.fieldChars) {
        throw tooLarge(`"${key}" would be longer than ${BOARD_LIMITS.fieldChars} characters`)
      }
    }
    for (const { type, key, added } of this.lists.values()) {
      if ((type instanceof Y.Array ? type.length : 0) + added > BOARD_LIMITS.listEntries) {
        throw tooLarge(`"${key}" would hold more than ${BOARD_LIMITS.listEntries} entries`)
      }
    }
    if (this.access.commentsOnly) {
      if (this.comments.size === 0) throw forbidden('a voter writes comments only')
      if (this.wroteElsewhere) throw forbidden('a voter may write their own comments and nothing else')
    }
    for (const [id, write] of this.comments) this.checkComment(id, write)
  }

  /** Notes where an item or a deletion writes: into a comment (see `checkComment`), or elsewhere. */
  private noteWrite(place: Place, content: Y.Item['content'] | null, length: number): void {
    if (place.root !== COMMENTS_KEY) {
      this.wroteElsewhere = true
      return
    }
    if (place.entry === null) throw unappliable('comments are kept by their id')
    let write = this.comments.get(place.entry)
    if (!write) {
      write = {
        replaced: false,
        created: false,
        deleted: false,
        fields: new Set(),
        values: new Map(),
        textDelta: 0,
      }
      this.comments.set(place.entry, write)
    }
    const deleted = content === null
    if (place.depth === 0) {
      if (deleted) write.deleted = true
      else {
        // Any value under the key takes the place of the comment there.
        write.replaced = true
        if (content instanceof Y.ContentType) {
          if (!(content.type instanceof Y.Map)) throw forbidden('a comment is a map of its fields')
          write.created = true
        } else if (!(content instanceof Y.ContentDeleted)) throw forbidden('a comment is a map of its fields')
      }
    } else if (place.depth === 1 && place.key !== null) {
      write.fields.add(place.key)
      if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) {
        // The text as a plain value would pass the length kept on a comment's `Y.Text`.
        if (place.key === 'text') throw forbidden('a comment’s text is a Y.Text')
        write.values.set(place.key, content.getContent().at(-1))
      } else if (content instanceof Y.ContentType) {
        if (place.key !== 'text' || !(content.type instanceof Y.Text)) {
          throw forbidden('a comment holds plain values, and its text')
        }
      } else if (!deleted && !(content instanceof Y.ContentDeleted)) {
        throw forbidden('a comment holds plain values, and its text')
      }
    } else if (place.depth === 2 && place.parentKey === 'text') {
      write.fields.add('text')
      if (content instanceof Y.ContentString) write.textDelta += content.str.length
      else if (deleted) write.textDelta -= length
      else if (!(content instanceof Y.ContentDeleted)) throw forbidden('a comment’s text is plain text')
    } else {
      throw forbidden('a comment holds plain values, and its text')
    }
  }

  /**
   * A comment is written in its author's name and changed by its author only; anyone who may settle
   * questions (owners, editors) marks anyone's question answered, and nobody anything else of
   * another person's comment (CONTRACT section 5).
   */
  private checkComment(id: string, write: CommentWrite): void {
    const me = this.access.author
    if (!me) throw forbidden('comments are written by signed-in members only')
    const existing = getComments(this.doc).get(id)
    const held = existing instanceof Y.Map ? existing : null
    const mine = existing === undefined || held?.get('authorId') === me.id
    if ((write.replaced || write.deleted) && !mine) throw forbidden(`comment ${id} is someone else’s`)
    if (write.created) {
      if (write.values.get('authorId') !== me.id || write.values.get('authorName') !== me.name) {
        throw forbidden('a comment is written in its author’s own name')
      }
    } else if (!held) {
      if (write.fields.size > 0) throw forbidden(`there is no comment ${id} to change`)
    } else if (mine) {
      // Deleting a comment deletes its fields with it; otherwise it keeps whose it is.
      if (!write.deleted && (write.fields.has('authorId') || write.fields.has('authorName'))) {
        throw forbidden('a comment keeps its author')
      }
    } else {
      for (const field of write.fields) {
        if (field !== 'answered') throw forbidden(`comment ${id} is someone else’s`)
      }
      if (write.fields.size > 0 && (!this.access.settleQuestions || !held.has('answered'))) {
        throw forbidden('only owners, editors and whoever asked mark a question answered')
      }
    }
    if (write.values.has('answered')) {
      const answered = write.values.get('answered')
      const by = typeof answered === 'object' && answered !== null ? (answered as { by?: unknown }).by : null
      if (answered !== null && by !== me.id) {
        throw forbidden('a question is marked answered in the name of whoever marks it')
      }
    }
    const before =
      !write.created && held?.get('text') instanceof Y.Text ? (held.get('text') as Y.Text).length : 0
    if (before + write.textDelta > COMMENT_MAX_CHARS) {
      throw tooLarge(`a comment holds up to ${COMMENT_MAX_CHARS} characters`)
    }
  }

  private checkItem(item: Y.Item): void {
    const place = this.placeOf(item)
    if (place === null) return
    if (SERVER_OWNED_ROOTS.has(place.root)) {
      throw new Refused(CloseCode.ServerOwnedWrite, `${place.root} is written by the server only`)
    }
    this.checkUnlocked(place)
    this.noteWrite(place, item.content, item.length)
    const { content } = item
    if (content instanceof Y.ContentDoc) throw unappliable('a board holds no subdocuments')
    if (content instanceof Y.ContentType && place.key === null) this.countEntry(place)
    if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) {
      for (const value of content.arr) this.checkValue(value, place.key)
    } else if (content instanceof Y.ContentString) {
      this.countText(place, content.str.length)
    } else if (content instanceof Y.ContentBinary) {
      this.checkValue(content.content, null)
    } else if (content instanceof Y.ContentEmbed) {
      this.checkValue(content.embed, null)
    } else if (content instanceof Y.ContentFormat) {
      this.checkValue(content.value, null)
    }
  }

  /**
   * A lock holds a shape the board has: a new shape is never refused, even under an id once locked
   * (its lock outlived the shape an owner deleted).
   */
  private checkUnlocked(place: Place): void {
    const record = place.root === RECORDS_KEY ? place.entry : null
    if (this.locks === null || record === null || this.locks.get(record) !== true) return
    if (getRecords(this.doc).has(record)) {
      throw new Refused(CloseCode.LockedShape, `${record} is locked by the facilitator`)
    }
  }

  private checkValue(value: unknown, key: string | null): void {
    if (key !== null && STORY_TEXT_FIELDS.has(key)) {
      const entries = Array.isArray(value) ? value : [value]
      if (entries.length > BOARD_LIMITS.listEntries) {
        throw tooLarge(`"${key}" holds more than ${BOARD_LIMITS.listEntries} entries`)
      }
      for (const entry of entries) {
        if (typeof entry === 'string' && entry.length > BOARD_LIMITS.fieldChars) {
          throw tooLarge(`"${key}" is longer than ${BOARD_LIMITS.fieldChars} characters`)
        }
      }
    }
    const limit = key === IMAGE_SOURCE_KEY ? this.limits.imageSourceChars : BOARD_LIMITS.valueBytes
    if (jsonSize(value) > limit) {
      throw tooLarge(`a value of "${key ?? 'a list'}" is larger than ${limit} bytes`)
    }
  }

  /** Counts an entry into a list; only story-map list fields have a length to keep. */
  private countEntry(place: Place): void {
    if (place.parentKey === null || !STORY_TEXT_FIELDS.has(place.parentKey)) return
    const list = this.lists.get(place.parent)
    if (list) list.added++
    else this.lists.set(place.parent, { type: place.type, key: place.parentKey, added: 1 })
  }

  /** Counts characters into or out of a text; only story-map fields have a length to keep. */
  private countText(place: Place, delta: number): void {
    if (place.parentKey === null || !STORY_TEXT_FIELDS.has(place.parentKey)) {
      if (delta > BOARD_LIMITS.valueBytes)
        throw tooLarge(`a text is larger than ${BOARD_LIMITS.valueBytes} bytes`)
      return
    }
    const text = this.texts.get(place.parent)
    if (text) text.delta += delta
    else this.texts.set(place.parent, { type: place.type, key: place.parentKey, delta })
  }

  /**
   * The struct at `id`, as Yjs would find it while integrating `from`: in the document when it holds
   * that clock, else in this update.
   */
  private resolve(id: Y.ID, from: Y.Item): Y.Item | Y.GC {
    const held = Y.getState(this.doc.store, id.client)
    if (id.clock < held) {
      const structs = this.doc.store.clients.get(id.client) as (Y.Item | Y.GC)[]
      return structs[Y.findIndexSS(structs, id.clock)] as Y.Item | Y.GC
    }
    // Yjs does not wait for its own client's later changes: it throws on them.
    if (id.client === from.id.client && id.clock >= from.id.clock) {
      throw unappliable('an item refers to a later change of its own client')
    }
    const run = this.runs.get(id.client)
    const struct = run && structAt(run, id.clock)
    if (!struct || struct instanceof Y.Skip)
      throw resync('the update builds on changes the server does not have')
    return struct
  }

  /** The items of this update that `item`'s place depends on. */
  private dependencies(item: Y.Item): Y.Item[] {
    const found: Y.Item[] = []
    for (const id of [item.origin, item.rightOrigin, item.parent instanceof Y.ID ? item.parent : null]) {
      if (!id) continue
      const struct = this.resolve(id, item)
      if (struct instanceof Y.Item && this.inUpdate.has(struct)) found.push(struct)
    }
    return found
  }

  /**
   * Where `start` lands, found depth first through the items of this update it depends on: long
   * chains (a card moved a hundred times offline) cost one walk, and a circle is refused.
   */
  private placeOf(start: Y.Item): Place | null {
    const known = this.places.get(start)
    if (known !== undefined) return known
    const path = [start]
    const onPath = new Set<Y.Item>(path)
    while (path.length > 0) {
      const item = path[path.length - 1] as Y.Item
      const next = this.dependencies(item).find((dependency) => !this.places.has(dependency))
      if (next) {
        if (onPath.has(next)) throw unappliable('items of the update refer to each other in a circle')
        path.push(next)
        onPath.add(next)
        continue
      }
      this.places.set(item, this.computePlace(item))
      path.pop()
      onPath.delete(item)
    }
    return this.places.get(start) ?? null
  }

  /** Where an item lands, once the places of the update's items it depends on are known. */
  private computePlace(item: Y.Item): Place | null {
    const left = item.origin ? this.resolve(item.origin, item) : null
    const right = item.rightOrigin ? this.resolve(item.rightOrigin, item) : null
    // As Yjs does: a neighbour that is gone makes the item garbage on arrival.
    if (left instanceof Y.GC || right instanceof Y.GC) return null
    if (left || right) {
      // Yjs takes the parent from the left neighbour, else the right. A neighbour elsewhere than
      // the other would link the item into a list it does not belong to: no Yjs client writes that.
      const place = this.placeOfStruct((left ?? right) as Y.Item)
      if (left && right && !samePlace(place, this.placeOfStruct(right))) {
        throw unappliable('an item’s neighbours are in different places')
      }
      return place
    }
    const { parent } = item
    if (typeof parent === 'string') {
      return {
        root: parent,
        parent: `root:${parent}`,
        key: item.parentSub,
        parentKey: null,
        type: this.doc.share.get(parent) ?? null,
        entry: item.parentSub,
        depth: 0,
      }
    }
    if (!(parent instanceof Y.ID)) return null
    const holder = this.resolve(parent, item)
    if (holder instanceof Y.GC) return null
    if (!(holder.content instanceof Y.ContentType)) throw unappliable('an item’s parent is not a shared type')
    const holderPlace = this.placeOfStruct(holder)
    if (holderPlace === null) return null
    return {
      root: holderPlace.root,
      parent: idKey(holder.id),
      key: item.parentSub,
      // A text in a list (an acceptance criterion) counts under the list's field.
      parentKey: holderPlace.key ?? holderPlace.parentKey,
      type: this.inUpdate.has(holder) ? null : holder.content.type,
      entry: holderPlace.entry,
      depth: holderPlace.depth + 1,
    }
  }

  private placeOfStruct(item: Y.Item): Place | null {
    return this.inUpdate.has(item) ? this.placeOf(item) : this.placeInDocument(item)
  }

  /** Where an item the document holds sits. */
  private placeInDocument(item: Y.Item): Place | null {
    const type = item.parent as AnyType | null
    if (!type) return null
    let root = type
    // The item that sits directly in the root: its key names the entry (a record's id, a comment's).
    let top: Y.Item = item
    let depth = 0
    while (root._item) {
      top = root._item
      root = root._item.parent as AnyType
      depth++
    }
    this.rootNames ??= new Map([...this.doc.share].map(([name, shared]) => [shared as AnyType, name]))
    const rootName = this.rootNames.get(root) ?? ''
    return {
      root: rootName,
      parent: type._item ? idKey(type._item.id) : `root:${rootName}`,
      key: item.parentSub,
      parentKey: type._item?.parentSub ?? (type._item?.parent as AnyType | null)?._item?.parentSub ?? null,
      type,
      entry: top.parentSub,
      depth,
    }
  }

  /**
   * Deletions must name only what the document or the update holds (Yjs would keep the rest pending,
   * to delete whatever comes to have those ids later), and nothing under a server-owned root. A
   * client sends its whole delete set on reconnect: what is deleted already changes nothing.
   */
  private checkDeletes(): void {
    for (const [client, ranges] of this.ds.clients) {
      const held = Y.getState(this.doc.store, client)
      const run = this.runs.get(client)
      const last = run?.[run.length - 1]
      const known = Math.max(held, last ? last.id.clock + last.length : 0)
      const structs = this.doc.store.clients.get(client) as (Y.Item | Y.GC)[] | undefined
      for (const { clock, len } of ranges) {
        if (clock + len > known) throw resync('the update deletes changes the server does not have')
        if (!structs || clock >= held) continue
        for (let i = Y.findIndexSS(structs, clock); i < structs.length; i++) {
          const struct = structs[i] as Y.Item | Y.GC
          if (struct.id.clock >= clock + len) break
          if (!(struct instanceof Y.Item) || struct.deleted) continue
          const place = this.placeInDocument(struct)
          if (place === null) continue
          if (SERVER_OWNED_ROOTS.has(place.root)) {
            throw new Refused(CloseCode.ServerOwnedWrite, `${place.root} is written by the server only`)
          }
          this.checkUnlocked(place)
          const from = Math.max(clock, struct.id.clock)
          const to = Math.min(clock + len, struct.id.clock + struct.length)
          this.noteWrite(place, null, to - from)
          if (struct.content instanceof Y.ContentString) this.countText(place, from - to)
        }
      }
    }
  }
}
