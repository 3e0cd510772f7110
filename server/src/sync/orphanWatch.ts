import {
  type Board,
  getRecords,
  type PagePlacement,
  type Placement,
  pagePlacement,
  type Rehoming,
  rehomeOrphans,
} from '@refinery/shared'
import * as Y from 'yjs'

/** How many deleted shapes' last page positions a board remembers, oldest forgotten first. */
const DEPARTED_LIMIT = 10_000

type RecordMap = Y.Map<unknown>

/**
 * Keeps every shape of one board document on a page (CONTRACT section 5). It remembers where each
 * deleted shape was on its page, so that a card someone added into a frame that another person
 * deleted meanwhile goes back to the page position it had, and says which shapes to put back after
 * changes that may have cut a parent chain (a record added or deleted, a `parentId` changed).
 */
export class OrphanWatch {
  private readonly records: Y.Map<RecordMap>
  private readonly departed = new Map<string, PagePlacement>()
  /** Whether a chain may be broken since the last look; true at first, for what storage held. */
  private unchecked = true

  constructor(doc: Y.Doc) {
    this.records = getRecords(doc)
    this.records.observeDeep(this.onChange)
  }

  stop(): void {
    this.records.unobserveDeep(this.onChange)
  }

  private readonly onChange = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
    let gone: Map<string, Placement> | null = null
    for (const event of events) {
      if (event.target === this.records) {
        this.unchecked = true
        for (const [id, change] of event.changes.keys) {
          if (change.action === 'add') continue
          const placement = change.oldValue instanceof Y.Map ? lastPlacement(change.oldValue) : undefined
          if (placement) {
            gone ??= new Map()
            gone.set(id, placement)
          }
        }
      } else if (event.path.length === 1 && event.changes.keys.has('parentId')) {
        this.unchecked = true
      }
    }
    if (gone) this.remember(gone)
  }

  /** Where each shape deleted in one transaction was on its page, its deleted parents included. */
  private remember(gone: Map<string, Placement>): void {
    const live = this.board()
    const before: Board = {
      shape: (id) => gone.get(id) ?? live.shape(id),
      isPage: (id) => live.isPage(id),
    }
    for (const id of gone.keys()) {
      const placement = pagePlacement(before, id, (parent) => this.departed.get(parent))
      if (!placement) continue
      this.departed.delete(id)
      this.departed.set(id, placement)
      if (this.departed.size > DEPARTED_LIMIT) {
        const oldest = this.departed.keys().next().value
        if (oldest !== undefined) this.departed.delete(oldest)
      }
    }
  }

  /** The board as it is now, read from the document record by record. */
  private board(): Board {
    const records = this.records
    return {
      shape(id) {
        const record = records.get(id)
        if (!(record instanceof Y.Map) || record.get('typeName') !== 'shape') return undefined
        return placementOf(record)
      },
      isPage(id) {
        const record = records.get(id)
        return record instanceof Y.Map && record.get('typeName') === 'page'
      },
    }
  }

  /**
   * The shapes to put back on a page, if a change since the last call may have cut a chain; none
   * otherwise, and none on a board whose chains are whole.
   */
  repairs(): Rehoming[] {
    if (!this.unchecked) return []
    this.unchecked = false
    const shapes = new Map<string, Placement>()
    const pages: { id: string; index: string }[] = []
    for (const [id, record] of this.records) {
      if (!(record instanceof Y.Map)) continue
      const typeName = record.get('typeName')
      if (typeName === 'shape') shapes.set(id, placementOf(record))
      else if (typeName === 'page') pages.push({ id, index: String(record.get('index') ?? '') })
    }
    pages.sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : a.id < b.id ? -1 : 1))
    const pageIds = new Set(pages.map((page) => page.id))
    const board: Board = { shape: (id) => shapes.get(id), isPage: (id) => pageIds.has(id) }
    return rehomeOrphans(board, shapes.keys(), pages[0]?.id, (id) => this.departed.get(id))
  }
}

function placementOf(record: RecordMap): Placement {
  return {
    parentId: record.get('parentId'),
    x: record.get('x'),
    y: record.get('y'),
    rotation: record.get('rotation'),
  }
}

/**
 * The placement a record held when it was deleted, read in the observer of the deleting transaction:
 * Yjs keeps a deleted map's entries until that transaction's cleanup, but `get` no longer answers.
 */
function lastPlacement(map: RecordMap): Placement | undefined {
  const read = (key: string): unknown => {
    const item = map._map.get(key)
    if (!item) return undefined
    const content = item.content.getContent()
    return content[content.length - 1]
  }
  if (read('typeName') !== 'shape') return undefined
  return { parentId: read('parentId'), x: read('x'), y: read('y'), rotation: read('rotation') }
}
