import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addComment,
  COMMENT_MAX_CHARS,
  commentTextProblem,
  getComments,
  markAnswered,
  openQuestionCounts,
  readComments,
  threadsOf,
} from './thread'

const ana = { id: 'u-ana', name: 'Ana' }
const ben = { id: 'u-ben', name: 'Ben' }
const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 10, minute))

function sync(a: Y.Doc, b: Y.Doc) {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)))
}

describe('questions and comments on a card', () => {
  it('keeps a question, its replies and its answer, apart from other cards', () => {
    const doc = new Y.Doc()
    addComment(doc, {
      id: 'q1',
      cardId: 'shape:a',
      replyTo: null,
      author: ben,
      text: 'What if the user skips this step?',
      question: true,
      createdAt: at(1),
    })
    addComment(doc, {
      id: 'c1',
      cardId: 'shape:b',
      replyTo: null,
      author: ana,
      text: 'Nice',
      question: false,
      createdAt: at(2),
    })
    addComment(doc, {
      id: 'r1',
      cardId: 'shape:a',
      replyTo: 'q1',
      author: ana,
      text: 'Then we ask again at checkout.',
      question: false,
      createdAt: at(3),
    })
    addComment(doc, {
      id: 'r2',
      cardId: 'shape:a',
      replyTo: 'r1',
      author: ben,
      text: 'OK',
      question: false,
      createdAt: at(4),
    })

    const comments = readComments(doc)
    expect(openQuestionCounts(comments)).toEqual(new Map([['shape:a', 1]]))
    const [thread] = threadsOf(comments, 'shape:a')
    expect(thread?.start).toMatchObject({ id: 'q1', question: true, answered: null, authorName: 'Ben' })
    expect(thread?.replies.map((reply) => reply.id)).toEqual(['r1', 'r2'])
    expect(thread?.replies.every((reply) => !reply.question)).toBe(true)

    expect(markAnswered(doc, 'q1', ana, at(5))).toBe(true)
    expect(readComments(doc).find((comment) => comment.id === 'q1')?.answered).toEqual({
      by: 'u-ana',
      byName: 'Ana',
      at: at(5).toISOString(),
    })
    expect(openQuestionCounts(readComments(doc))).toEqual(new Map())
    // A comment is not a question, and cannot be answered; neither can a comment that is not there.
    expect(markAnswered(doc, 'c1', ana, at(6))).toBe(false)
    expect(markAnswered(doc, 'nope', ana, at(6))).toBe(false)
    expect(markAnswered(doc, 'q1', null, at(7))).toBe(true)
    expect(openQuestionCounts(readComments(doc)).get('shape:a')).toBe(1)
  })

  it('keeps both people’s comments, and both replies, written on two copies at once (offline)', () => {
    const one = new Y.Doc()
    addComment(one, {
      id: 'q1',
      cardId: 'shape:a',
      replyTo: null,
      author: ben,
      text: 'Why?',
      question: true,
      createdAt: at(1),
    })
    const two = new Y.Doc()
    sync(one, two)
    addComment(one, {
      id: 'r-ana',
      cardId: 'shape:a',
      replyTo: 'q1',
      author: ana,
      text: 'Because',
      question: false,
      createdAt: at(2),
    })
    addComment(two, {
      id: 'r-ben',
      cardId: 'shape:a',
      replyTo: 'q1',
      author: ben,
      text: 'Ah',
      question: false,
      createdAt: at(3),
    })
    markAnswered(two, 'q1', ben, at(4))
    sync(one, two)
    for (const doc of [one, two]) {
      const [thread] = threadsOf(readComments(doc), 'shape:a')
      expect(thread?.replies.map((reply) => reply.id)).toEqual(['r-ana', 'r-ben'])
      expect(thread?.start.answered?.by).toBe('u-ben')
    }
  })

  it('reads past entries that are not comments, and replies that point in a circle', () => {
    const doc = new Y.Doc()
    const comments = getComments(doc)
    comments.set('junk', 'not a comment' as never)
    const loop = (id: string, replyTo: string) => {
      const entry = new Y.Map<unknown>()
      for (const [key, value] of Object.entries({
        cardId: 'shape:a',
        replyTo,
        authorId: 'u',
        text: id,
        createdAt: '',
      })) {
        entry.set(key, value)
      }
      comments.set(id, entry)
    }
    loop('x', 'y')
    loop('y', 'x')
    const read = readComments(doc)
    expect(read.map((comment) => comment.id).sort()).toEqual(['x', 'y'])
    const threads = threadsOf(read, 'shape:a')
    expect(
      threads
        .flatMap((thread) => [thread.start, ...thread.replies])
        .map((c) => c.id)
        .sort(),
    ).toEqual(['x', 'y'])
  })

  it('puts every comment of a card in exactly one thread, each reply in the thread its replies lead to', () => {
    const entry = fc.record({
      card: fc.constantFrom('shape:a', 'shape:b'),
      replyTo: fc.option(fc.nat(12), { nil: null }),
      question: fc.boolean(),
      minute: fc.nat(59),
      answered: fc.boolean(),
    })
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), (entries) => {
        const doc = new Y.Doc()
        entries.forEach((e, index) => {
          addComment(doc, {
            id: `c${index}`,
            cardId: e.card,
            replyTo: e.replyTo === null ? null : `c${e.replyTo}`,
            author: ana,
            text: `comment ${index}`,
            question: e.question,
            createdAt: at(e.minute),
          })
          if (e.answered) markAnswered(doc, `c${index}`, ben, at(e.minute))
        })
        const comments = readComments(doc)
        expect(comments).toHaveLength(entries.length)
        for (const card of ['shape:a', 'shape:b']) {
          const threads = threadsOf(comments, card)
          const placed = threads.flatMap((thread) =>
            [thread.start, ...thread.replies].map((comment) => comment.id),
          )
          const expected = comments.filter((comment) => comment.cardId === card).map((comment) => comment.id)
          expect(placed.sort()).toEqual(expected.sort())
          // A reply sits in the thread its chain of replies leads to.
          for (const thread of threads) {
            for (const reply of thread.replies) {
              const chain = new Set<string>()
              let current = reply.replyTo
              while (current !== null && !chain.has(current) && current !== thread.start.id) {
                chain.add(current)
                current =
                  comments.find((comment) => comment.id === current && comment.cardId === card)?.replyTo ??
                  null
              }
              expect(current).toBe(thread.start.id)
            }
          }
          const open = comments.filter(
            (comment) => comment.cardId === card && comment.question && !comment.answered,
          )
          expect(openQuestionCounts(comments).get(card) ?? 0).toBe(open.length)
        }
      }),
    )
  })

  it('says why a comment cannot be sent: empty, or over the limit', () => {
    expect(commentTextProblem('  \n')).toBe('Write something first')
    expect(commentTextProblem('x'.repeat(COMMENT_MAX_CHARS))).toBeNull()
    expect(commentTextProblem('x'.repeat(COMMENT_MAX_CHARS + 1))).toBe(
      'A comment holds up to 2,000 characters; this one has 2,001',
    )
  })
})
