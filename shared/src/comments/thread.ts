import * as Y from 'yjs'
import { countAsWritten } from '../numbers'

/**
 * Questions and comments on story cards (CONTRACT section 5): the root `Y.Map` named `comments`, a
 * comment id → a `Y.Map` of `cardId`, `replyTo`, `authorId`, `authorName`, `text` (a `Y.Text`),
 * `createdAt` and, for a question only, `answered`. Apart from the card's record, so a long thread
 * never makes a card heavy, and a copy of a card (a new id) starts with no thread.
 */
export const COMMENTS_KEY = 'comments'

/** The longest comment, in characters: a question and its context, not a document. */
export const COMMENT_MAX_CHARS = 2000

/** Who marked a question answered, and when (ISO 8601). */
export interface Answered {
  by: string
  byName: string
  at: string
}

export interface CardComment {
  id: string
  cardId: string
  /** The comment this one answers; null for the start of a thread. */
  replyTo: string | null
  authorId: string
  authorName: string
  text: string
  /** ISO 8601. */
  createdAt: string
  /** A question waits for an answer; a comment does not. */
  question: boolean
  /** For a question: null until someone marks it answered. Always null for a comment. */
  answered: Answered | null
}

/** A question or comment that starts a thread, and the replies to it in the order they were written. */
export interface CommentThread {
  start: CardComment
  replies: CardComment[]
}

export type CommentMap = Y.Map<unknown>

export function getComments(doc: Y.Doc): Y.Map<CommentMap> {
  return doc.getMap<CommentMap>(COMMENTS_KEY)
}

const text = (value: unknown) =>
  value instanceof Y.Text ? value.toString() : typeof value === 'string' ? value : null

function asAnswered(value: unknown): Answered | null {
  if (typeof value !== 'object' || value === null) return null
  const { by, byName, at } = value as Record<string, unknown>
  return typeof by === 'string' && typeof at === 'string'
    ? { by, byName: typeof byName === 'string' ? byName : '', at }
    : null
}

/** The comment a document entry holds, or null for an entry that is not one (written by a script, damaged). */
export function readComment(id: string, entry: unknown): CardComment | null {
  if (!(entry instanceof Y.Map)) return null
  const cardId = entry.get('cardId')
  const authorId = entry.get('authorId')
  const body = text(entry.get('text'))
  if (typeof cardId !== 'string' || typeof authorId !== 'string' || body === null) return null
  const replyTo = entry.get('replyTo')
  const createdAt = entry.get('createdAt')
  const authorName = entry.get('authorName')
  return {
    id,
    cardId,
    replyTo: typeof replyTo === 'string' ? replyTo : null,
    authorId,
    authorName: typeof authorName === 'string' ? authorName : '',
    text: body,
    createdAt: typeof createdAt === 'string' ? createdAt : '',
    // A question is the entry that has an `answered` key, answered or not.
    question: entry.has('answered') && (typeof replyTo !== 'string' || replyTo === ''),
    answered: asAnswered(entry.get('answered')),
  }
}

const byTime = (a: CardComment, b: CardComment) =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

/** Every readable comment of the board, oldest first. */
export function readComments(doc: Y.Doc): CardComment[] {
  const comments: CardComment[] = []
  for (const [id, entry] of getComments(doc)) {
    const comment = readComment(id, entry)
    if (comment) comments.push(comment)
  }
  return comments.sort(byTime)
}

/**
 * A card's threads, oldest first: each question or comment that starts one, with every reply under
 * it (a reply to a reply joins its thread; a reply whose thread is gone starts its own).
 */
export function threadsOf(comments: readonly CardComment[], cardId: string): CommentThread[] {
  const mine = comments.filter((comment) => comment.cardId === cardId)
  const byId = new Map(mine.map((comment) => [comment.id, comment]))
  const startOf = (comment: CardComment): CardComment => {
    const seen = new Set<string>()
    let current = comment
    while (current.replyTo !== null && byId.has(current.replyTo) && !seen.has(current.id)) {
      seen.add(current.id)
      current = byId.get(current.replyTo) as CardComment
    }
    return current
  }
  const threads = new Map<string, CommentThread>()
  for (const comment of [...mine].sort(byTime)) {
    const start = startOf(comment)
    let thread = threads.get(start.id)
    if (!thread) {
      thread = { start, replies: [] }
      threads.set(start.id, thread)
    }
    if (start !== comment) thread.replies.push(comment)
  }
  return [...threads.values()]
}

/** Whether a comment is a question nobody has marked answered yet. */
export const isOpenQuestion = (comment: CardComment) => comment.question && comment.answered === null

/** How many open questions each card has; cards with none are not in it. */
export function openQuestionCounts(comments: readonly CardComment[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const comment of comments) {
    if (isOpenQuestion(comment)) counts.set(comment.cardId, (counts.get(comment.cardId) ?? 0) + 1)
  }
  return counts
}

/** Why a comment's text cannot be sent as it is, or null when it can. */
export function commentTextProblem(body: string): string | null {
  if (body.trim() === '') return 'Write something first'
  if (body.length > COMMENT_MAX_CHARS) {
    return `A comment holds up to ${countAsWritten(COMMENT_MAX_CHARS)} characters; this one has ${countAsWritten(body.length)}`
  }
  return null
}

export interface NewComment {
  id: string
  cardId: string
  replyTo: string | null
  author: { id: string; name: string }
  text: string
  question: boolean
  createdAt: Date
}

/** Adds a question, comment or reply to the board's document, in its author's name. */
export function addComment(doc: Y.Doc, comment: NewComment): void {
  const entry = new Y.Map<unknown>()
  entry.set('cardId', comment.cardId)
  entry.set('replyTo', comment.replyTo)
  entry.set('authorId', comment.author.id)
  entry.set('authorName', comment.author.name)
  entry.set('text', new Y.Text(comment.text))
  entry.set('createdAt', comment.createdAt.toISOString())
  if (comment.question && comment.replyTo === null) entry.set('answered', null)
  getComments(doc).set(comment.id, entry)
}

/** Marks a question answered by `by` (or open again with null); false when there is no such question. */
export function markAnswered(
  doc: Y.Doc,
  id: string,
  by: { id: string; name: string } | null,
  at: Date,
): boolean {
  const entry = getComments(doc).get(id)
  const comment = readComment(id, entry)
  if (!comment?.question || !(entry instanceof Y.Map)) return false
  entry.set('answered', by ? { by: by.id, byName: by.name, at: at.toISOString() } : null)
  return true
}
