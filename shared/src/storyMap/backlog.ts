import * as Y from 'yjs'
import type { z } from 'zod'
import { type CardComment, isOpenQuestion, readComments, threadsOf } from '../comments'
import { type DocumentRecord, getRecords, VOTES_KEY } from '../records'
import {
  JOURNEY_STEP,
  type JourneyStepProps,
  journeyStepPropsSchema,
  type Moscow,
  RELEASE_SLICE,
  type ReleaseSliceProps,
  releaseSlicePropsSchema,
  STORY_CARD,
  type StoryCardProps,
  storyCardPropsSchema,
} from './shapes'

/** One story of the backlog (CONTRACT section 6), plus the ids of its step and slice. */
export interface BacklogItem {
  rank: number
  id: string
  title: string
  story: string
  acceptance: string[]
  estimate: number | null
  moscow: Moscow | null
  votes: number
  labels: string[]
  /** The journey step's title, or null for a card under no step. */
  epic: string | null
  /** The release slice's name, or null for a card under no slice. */
  release: string | null
  url: string
  /** The journey step's shape id: two steps may share a title and still be two epics. */
  epicId: string | null
  releaseId: string | null
  /** The Jira issue the card was imported from (`meta.jiraKey`), so the CSV updates it rather than copy it. */
  jiraKey: string | null
  /** The card's questions and comments, thread by thread (each start, then its replies), oldest first. */
  comments: BacklogComment[]
  /** How many of its questions nobody has marked answered yet. */
  openQuestions: number
}

/** A question or comment on a card, as the backlog and its exports carry it. */
export interface BacklogComment {
  id: string
  /** The comment it replies to; null for the start of a thread. */
  replyTo: string | null
  author: string
  text: string
  createdAt: string
  question: boolean
  /** For a question: who marked it answered, and when; null while it is open, and for a comment. */
  answered: { by: string; at: string } | null
}

/** A journey step, as an epic of the backlog. */
export interface BacklogEpic {
  id: string
  title: string
  description: string
  /** The Jira epic the step was imported from (`meta.jiraKey`). */
  jiraKey: string | null
}

/** A release slice, as a release of the backlog. */
export interface BacklogRelease {
  id: string
  name: string
}

/** A story-map shape left out of the backlog because its record is malformed. */
export interface BacklogWarning {
  shapeId: string
  message: string
}

export interface Backlog {
  boardId: string
  versionId: string | null
  generatedAt: string
  /** Every journey step in step order, with or without cards, so exports need nothing but the backlog. */
  epics: BacklogEpic[]
  /** Every release slice in slice order. */
  releases: BacklogRelease[]
  items: BacklogItem[]
  warnings: BacklogWarning[]
}

/** Dot votes: `cardId|userId` → dots, as held by the document's `votes` map. */
export type Votes = ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>

export interface BacklogOptions {
  boardId: string
  versionId: string | null
  /** ISO time stamped on the backlog; passed in so the same document always gives the same backlog. */
  generatedAt: string
  /** The link that opens the board on a card. */
  cardUrl: (cardId: string) => string
}

export interface BacklogInput extends BacklogOptions {
  records: readonly DocumentRecord[]
  votes: Votes
  /** The board's questions and comments (its `comments` root); none when left out. */
  comments?: readonly CardComment[]
}

interface Box {
  id: string
  left: number
  top: number
  right: number
  bottom: number
}

interface Placed<Props> extends Box {
  props: Props
  jiraKey: string | null
}

/** A card placed on the story map, with every field of its backlog item that votes do not change. */
interface LaidOutCard {
  sliceIndex: number
  moscowOrder: number
  item: Omit<BacklogItem, 'rank' | 'votes' | 'url' | 'comments' | 'openQuestions'>
}

/**
 * Everything of a board's backlog that its votes do not change: the epics, the releases, the warnings,
 * and the cards in rank order as if no card had a vote. Dot voting changes only the votes, so a caller
 * may keep this while only they change, and rank it again with `rankBacklog` (a fraction of the work).
 */
export interface BacklogLayout {
  epics: BacklogEpic[]
  releases: BacklogRelease[]
  /** In rank order for equal votes: slice, MoSCoW, row, step, id. */
  cards: LaidOutCard[]
  cardIds: ReadonlySet<string>
  warnings: BacklogWarning[]
}

const MOSCOW_ORDER: Record<Moscow | 'unset', number> = { must: 0, should: 1, could: 2, unset: 3, wont: 4 }

/** Plain code-unit order: unlike `localeCompare` it is the same on every machine. */
function compareIds(a: string, b: string): number {
  if (a < b) return -1
  return a > b ? 1 : 0
}

function offset(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}

/**
 * Page position of every shape: its `x`, `y` plus its parent's page position. A parent that is a page
 * or missing counts as the page origin; the shapes of a parent cycle each sit at their own `x`, `y`,
 * which does not depend on where the walk entered the cycle.
 */
function pagePositions(
  shapes: ReadonlyMap<string, DocumentRecord>,
): (id: string) => { x: number; y: number } {
  const resolved = new Map<string, { x: number; y: number }>()
  return (id) => {
    const shape = shapes.get(id)
    // Most shapes sit on the page itself: their own x, y.
    if (shape && (typeof shape.parentId !== 'string' || !shapes.has(shape.parentId))) {
      const own = { x: offset(shape.x), y: offset(shape.y) }
      resolved.set(id, own)
      return own
    }
    const path: string[] = []
    const onPath = new Set<string>()
    let base = { x: 0, y: 0 }
    let current: unknown = id
    while (typeof current === 'string') {
      const known = resolved.get(current)
      if (known) {
        base = known
        break
      }
      const shape = shapes.get(current)
      if (!shape) break
      if (onPath.has(current)) {
        for (const member of path.splice(path.indexOf(current))) {
          const own = shapes.get(member)
          resolved.set(member, { x: offset(own?.x), y: offset(own?.y) })
        }
        base = resolved.get(current) ?? base
        break
      }
      path.push(current)
      onPath.add(current)
      current = shape.parentId
    }
    for (const member of path.reverse()) {
      const shape = shapes.get(member)
      base = { x: base.x + offset(shape?.x), y: base.y + offset(shape?.y) }
      resolved.set(member, base)
    }
    return resolved.get(id) ?? base
  }
}

function describeIssues(error: z.ZodError, under: string): string {
  return error.issues
    .map((issue) => `${[under, ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('; ')
}

/**
 * Sum of each card's dots. Values that are not positive finite numbers are ignored. Summed in key order
 * because float addition is not associative and the total must not depend on insertion order.
 */
function tallyVotes(votes: Votes, cardIds: ReadonlySet<string>): Map<string, number> {
  const entries: [string, unknown][] = votes instanceof Map ? [...votes.entries()] : Object.entries(votes)
  entries.sort(([a], [b]) => compareIds(a, b))
  const totals = new Map<string, number>()
  for (const [key, dots] of entries) {
    if (typeof dots !== 'number' || !Number.isFinite(dots) || dots <= 0) continue
    // A key counts for every card id it starts with followed by `|`, even a card id holding a `|`.
    for (let bar = key.indexOf('|'); bar !== -1; bar = key.indexOf('|', bar + 1)) {
      const cardId = key.slice(0, bar)
      if (cardIds.has(cardId)) totals.set(cardId, (totals.get(cardId) ?? 0) + dots)
    }
  }
  return totals
}

/**
 * A card's user story, "As a {asA}, I want {iWant}, so that {soThat}". Blank parts are left out rather
 * than printed empty, so only `iWant` gives "I want …" and an empty card gives "".
 */
export function storyText(card: Pick<StoryCardProps, 'asA' | 'iWant' | 'soThat'>): string {
  const asA = card.asA.trim()
  const iWant = card.iWant.trim()
  const soThat = card.soThat.trim()
  let story = asA === '' ? '' : `As a ${asA}`
  if (iWant !== '') story += `${story === '' ? '' : ', '}I want ${iWant}`
  if (soThat !== '') story += `${story === '' ? '' : ', '}so that ${soThat}`
  return story.charAt(0).toUpperCase() + story.slice(1)
}

/** The Jira key a story-map shape was imported with, if it was. */
function jiraKeyOf(shape: DocumentRecord): string | null {
  const key = (shape.meta as { jiraKey?: unknown } | undefined)?.jiraKey
  return typeof key === 'string' && key.trim() !== '' ? key.trim() : null
}

function trimmedLines(texts: readonly string[]): string[] {
  return texts.map((text) => text.trim()).filter((text) => text !== '')
}

/**
 * The backlog of a board, from its document records and dot votes alone (CONTRACT section 6):
 *
 * 1. Page coordinates: a shape's position is its `x`, `y` plus those of its parents (frames); rotation
 *    is ignored. A card's anchor is the centre of its box.
 * 2. Columns: `journey-step` shapes ordered by left edge (then id). A card belongs to the first step
 *    whose horizontal span, edges included, holds its anchor's x; otherwise to no step (after all steps).
 * 3. Lanes: `release-slice` shapes ordered by top edge (then id). A card belongs to the first slice
 *    whose vertical span, edges included, holds its anchor's y; otherwise to no slice (after all slices).
 * 4. Row: a card's place among the cards of its own step and slice, ordered by anchor y (then id).
 * 5. Rank: sort by slice order, then MoSCoW (must, should, could, unset, wont), then total votes (most
 *    first), then row, then step order, then id. Ranks are 1, 2, 3, …
 *
 * Votes: a card's total is the sum of the `cardId|userId` entries, ignoring values that are not positive
 * finite numbers. Every page counts: the story map lives on one page, and a card moved to another
 * page is still on the board. A story-map shape whose `x`, `y` or props are malformed is left out with
 * a warning, never an exception. Blank titles fall back to the card's "I want" text, else
 * "Untitled card" (steps: "Untitled step", slices: "Untitled release"); blank acceptance criteria and
 * labels are dropped, and repeated labels kept once.
 */
export function toBacklog(input: BacklogInput): Backlog {
  return rankBacklog(layoutBacklog(input.records), input.votes, input, input.comments)
}

/** Steps 1 to 4 of `toBacklog`, and the fields of every item: all that votes do not change. */
export function layoutBacklog(records: readonly DocumentRecord[]): BacklogLayout {
  const warnings: BacklogWarning[] = []
  const shapes = new Map<string, DocumentRecord>()
  for (const record of records) {
    if (record.typeName === 'shape') shapes.set(record.id, record)
  }
  const pagePosition = pagePositions(shapes)

  function place<Props extends { w: number; h: number }>(
    shape: DocumentRecord,
    schema: z.ZodType<Props>,
    into: Placed<Props>[],
  ): void {
    // `x`, `y` are checked too, as they place the shape; the props against the shape's schema.
    const misplaced = (['x', 'y'] as const).filter((axis) => typeof shape[axis] !== 'number')
    const parsed = schema.safeParse(shape.props)
    if (misplaced.length > 0 || !parsed.success) {
      const issues = [
        ...misplaced.map((axis) => `${axis}: expected a number`),
        ...(parsed.success ? [] : [describeIssues(parsed.error, 'props')]),
      ]
      warnings.push({ shapeId: shape.id, message: `Invalid ${shape.type}: ${issues.join('; ')}` })
      return
    }
    const props = parsed.data
    const { x, y } = pagePosition(shape.id)
    into.push({
      id: shape.id,
      props,
      jiraKey: jiraKeyOf(shape),
      left: x,
      top: y,
      right: x + props.w,
      bottom: y + props.h,
    })
  }

  const steps: Placed<JourneyStepProps>[] = []
  const slices: Placed<ReleaseSliceProps>[] = []
  const cards: Placed<StoryCardProps>[] = []
  for (const shape of shapes.values()) {
    if (shape.type === JOURNEY_STEP) place(shape, journeyStepPropsSchema, steps)
    else if (shape.type === RELEASE_SLICE) place(shape, releaseSlicePropsSchema, slices)
    else if (shape.type === STORY_CARD) place(shape, storyCardPropsSchema, cards)
  }
  steps.sort((a, b) => a.left - b.left || compareIds(a.id, b.id))
  slices.sort((a, b) => a.top - b.top || compareIds(a.id, b.id))
  const epics = steps.map((step) => ({
    id: step.id,
    title: step.props.title.trim() || 'Untitled step',
    description: step.props.description.trim(),
    jiraKey: step.jiraKey,
  }))
  const releases = slices.map((slice) => ({
    id: slice.id,
    name: slice.props.name.trim() || 'Untitled release',
  }))

  const placed = cards.map((card) => {
    const anchorX = (card.left + card.right) / 2
    const anchorY = (card.top + card.bottom) / 2
    const stepIndex = steps.findIndex((step) => step.left <= anchorX && anchorX <= step.right)
    const sliceIndex = slices.findIndex((slice) => slice.top <= anchorY && anchorY <= slice.bottom)
    return {
      card,
      stepIndex: stepIndex === -1 ? steps.length : stepIndex,
      sliceIndex: sliceIndex === -1 ? slices.length : sliceIndex,
      moscowOrder: MOSCOW_ORDER[card.props.moscow ?? 'unset'],
      anchorY,
      row: 0,
    }
  })
  placed.sort(
    (a, b) =>
      a.sliceIndex - b.sliceIndex ||
      a.stepIndex - b.stepIndex ||
      a.anchorY - b.anchorY ||
      compareIds(a.card.id, b.card.id),
  )
  placed.forEach((card, i) => {
    const previous = placed[i - 1]
    const sameCell = previous?.sliceIndex === card.sliceIndex && previous.stepIndex === card.stepIndex
    card.row = sameCell ? previous.row + 1 : 0
  })
  // Step 5 without the votes; `rankBacklog` sorts by them stably, keeping this order among equals.
  placed.sort(
    (a, b) =>
      a.sliceIndex - b.sliceIndex ||
      a.moscowOrder - b.moscowOrder ||
      a.row - b.row ||
      a.stepIndex - b.stepIndex ||
      compareIds(a.card.id, b.card.id),
  )

  warnings.sort((a, b) => compareIds(a.shapeId, b.shapeId))
  return {
    epics,
    releases,
    cards: placed.map(({ card: { id, props, jiraKey }, stepIndex, sliceIndex, moscowOrder }): LaidOutCard => {
      const epic = epics[stepIndex]
      const release = releases[sliceIndex]
      return {
        sliceIndex,
        moscowOrder,
        item: {
          id,
          title: props.title.trim() || props.iWant.trim() || 'Untitled card',
          story: storyText(props),
          acceptance: trimmedLines(props.acceptance),
          estimate: props.estimate,
          moscow: props.moscow,
          labels: [...new Set(trimmedLines(props.labels))],
          epic: epic?.title ?? null,
          release: release?.name ?? null,
          epicId: epic?.id ?? null,
          releaseId: release?.id ?? null,
          jiraKey,
        },
      }
    }),
    cardIds: new Set(cards.map((card) => card.id)),
    warnings,
  }
}

/** Each card's threads as backlog comments: every thread's start, then its replies. */
function commentsByCard(comments: readonly CardComment[], cardIds: ReadonlySet<string>) {
  const byCard = new Map<string, { comments: BacklogComment[]; openQuestions: number }>()
  const cards = new Set(comments.map((comment) => comment.cardId).filter((id) => cardIds.has(id)))
  for (const cardId of cards) {
    const threads = threadsOf(comments, cardId)
    byCard.set(cardId, {
      comments: threads.flatMap((thread) => [thread.start, ...thread.replies]).map(backlogComment),
      openQuestions: threads.filter((thread) => isOpenQuestion(thread.start)).length,
    })
  }
  return byCard
}

function backlogComment(comment: CardComment): BacklogComment {
  return {
    id: comment.id,
    replyTo: comment.replyTo,
    author: comment.authorName,
    text: comment.text,
    createdAt: comment.createdAt,
    question: comment.question,
    answered: comment.answered && { by: comment.answered.byName, at: comment.answered.at },
  }
}

/** Step 5 of `toBacklog`: the laid-out cards ranked with their votes (and their threads), as the backlog. */
export function rankBacklog(
  layout: BacklogLayout,
  votes: Votes,
  options: BacklogOptions,
  comments: readonly CardComment[] = [],
): Backlog {
  const totals = tallyVotes(votes, layout.cardIds)
  const threads = commentsByCard(comments, layout.cardIds)
  const ranked = layout.cards.map((card) => ({ card, votes: totals.get(card.item.id) ?? 0 }))
  // Stable: cards with equal votes keep the layout's order (row, step, id).
  ranked.sort(
    (a, b) =>
      a.card.sliceIndex - b.card.sliceIndex || a.card.moscowOrder - b.card.moscowOrder || b.votes - a.votes,
  )
  return {
    boardId: options.boardId,
    versionId: options.versionId,
    generatedAt: options.generatedAt,
    epics: layout.epics,
    releases: layout.releases,
    items: ranked.map(
      ({ card: { item }, votes }, i): BacklogItem => ({
        rank: i + 1,
        id: item.id,
        title: item.title,
        story: item.story,
        acceptance: item.acceptance,
        estimate: item.estimate,
        moscow: item.moscow,
        votes,
        labels: item.labels,
        epic: item.epic,
        release: item.release,
        url: options.cardUrl(item.id),
        epicId: item.epicId,
        releaseId: item.releaseId,
        jiraKey: item.jiraKey,
        comments: threads.get(item.id)?.comments ?? [],
        openQuestions: threads.get(item.id)?.openQuestions ?? 0,
      }),
    ),
    warnings: layout.warnings,
  }
}

const STORY_MAP_TYPES: ReadonlySet<unknown> = new Set([STORY_CARD, JOURNEY_STEP, RELEASE_SLICE])

/**
 * The shapes of a live board as far as the backlog reads them: position and parent of every shape (any
 * shape may be a card's frame), props and meta of story-map shapes only. Reading just that, rather than every
 * record whole, is most of the difference on a board of thousands of cards.
 */
export function backlogShapes(doc: Y.Doc): DocumentRecord[] {
  const shapes: DocumentRecord[] = []
  for (const [id, record] of getRecords(doc)) {
    if (!(record instanceof Y.Map) || record.get('typeName') !== 'shape') continue
    const type = record.get('type')
    const storyMap = STORY_MAP_TYPES.has(type)
    const props = storyMap ? record.get('props') : undefined
    const meta = storyMap ? record.get('meta') : undefined
    shapes.push({
      id,
      typeName: 'shape',
      type,
      x: record.get('x'),
      y: record.get('y'),
      parentId: record.get('parentId'),
      props: props instanceof Y.Map ? props.toJSON() : props,
      meta: meta instanceof Y.Map ? meta.toJSON() : meta,
    })
  }
  return shapes
}

/**
 * The backlog of a live board document: its records and its `votes` map. `layout`, when given, must be
 * `layoutBacklog(backlogShapes(doc))` for the document as it is now (a caller that knows only votes
 * changed since may keep it).
 */
export function backlogFromDoc(
  doc: Y.Doc,
  options: BacklogOptions,
  layout: BacklogLayout = layoutBacklog(backlogShapes(doc)),
): Backlog {
  return rankBacklog(layout, doc.getMap<unknown>(VOTES_KEY).toJSON(), options, readComments(doc))
}
