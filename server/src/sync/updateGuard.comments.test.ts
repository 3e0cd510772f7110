import {
  addComment,
  CloseCode,
  COMMENT_MAX_CHARS,
  getComments,
  getRecords,
  markAnswered,
} from '@refinery/shared'
import { cardAt, page } from '@refinery/shared/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { updateOf } from '../../test/helpers'
import { checkClientUpdate, type GuardAccess } from './updateGuard'

const ANA = { id: 'u-ana', name: 'Ana' }
const BEN = { id: 'u-ben', name: 'Ben' }
const at = new Date(Date.UTC(2026, 11, 3, 10))

/** Who sends: an editor (settles questions) or a voter (comments only), as the sync server says. */
const editor = (author: { id: string; name: string }): GuardAccess => ({
  author,
  settleQuestions: true,
  commentsOnly: false,
})
const voter = (author: { id: string; name: string }): GuardAccess => ({
  author,
  settleQuestions: false,
  commentsOnly: true,
})

/** A board with a card, Ben's open question on it and Ben's comment; and a client that synced it. */
function boardWithThread() {
  const server = new Y.Doc()
  server.transact(() => {
    getRecords(server).set('page:main', new Y.Map())
    say(server, 'q', BEN, 'Why?', { question: true })
    say(server, 'c', BEN, 'Nice.')
  })
  const client = new Y.Doc()
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
  return { server, client }
}

/** `author`'s comment (or, with `question`, question) on the board's card. */
function say(
  doc: Y.Doc,
  id: string,
  author: { id: string; name: string },
  text: string,
  { question = false, replyTo = null }: { question?: boolean; replyTo?: string | null } = {},
) {
  addComment(doc, { id, cardId: 'shape:card', replyTo, author, text, question, createdAt: at })
}

const commentOf = (doc: Y.Doc, id: string) => getComments(doc).get(id) as Y.Map<unknown>
const codeOf = (doc: Y.Doc, update: Uint8Array, access: GuardAccess) =>
  checkClientUpdate(doc, update, undefined, access)

/** Every way a client changes someone's comment, but for marking it answered. */
const CHANGES: Record<string, (doc: Y.Doc, id: string) => void> = {
  type: (doc, id) => (commentOf(doc, id).get('text') as Y.Text).insert(0, 'edited '),
  erase: (doc, id) => (commentOf(doc, id).get('text') as Y.Text).delete(0, 1),
  replaceText: (doc, id) => commentOf(doc, id).set('text', new Y.Text('mine now')),
  moveToCard: (doc, id) => commentOf(doc, id).set('cardId', 'shape:other'),
  backdate: (doc, id) => commentOf(doc, id).set('createdAt', '2020-01-01T00:00:00.000Z'),
  reattach: (doc, id) => commentOf(doc, id).set('replyTo', 'c'),
  takeOver: (doc, id) => commentOf(doc, id).set('authorId', ANA.id),
  rename: (doc, id) => commentOf(doc, id).set('authorName', 'Someone else'),
  addField: (doc, id) => commentOf(doc, id).set('pinned', true),
  dropField: (doc, id) => commentOf(doc, id).delete('createdAt'),
  delete: (doc, id) => getComments(doc).delete(id),
  overwrite: (doc, id) => say(doc, id, ANA, 'gone'),
}

describe('the guard of comments (CONTRACT section 5)', () => {
  it('takes a question, a comment and a reply written in the sender’s own name, from an editor or a voter', () => {
    for (const access of [editor(ANA), voter(ANA)]) {
      const { server, client } = boardWithThread()
      const update = updateOf(client, () => {
        say(client, 'new', ANA, 'What if?', { question: true })
        say(client, 'reply', ANA, 'Because.', { replyTo: 'q' })
      })
      expect(codeOf(server, update, access)).toBeNull()
    }
  })

  it('refuses a comment written in someone else’s name, by id or by name', () => {
    for (const author of [
      { id: BEN.id, name: ANA.name },
      { id: ANA.id, name: BEN.name },
    ]) {
      const { server, client } = boardWithThread()
      const update = updateOf(client, () => say(client, `forged-${author.id}`, author, 'Forged'))
      expect(codeOf(server, update, editor(ANA))?.code).toBe(CloseCode.Forbidden)
    }
  })

  it('refuses every change to another person’s comment, from anyone, and takes the same from its author', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(CHANGES)),
        fc.constantFrom('q', 'c'),
        fc.boolean(),
        (change, id, isVoter) => {
          const edit = CHANGES[change] as (doc: Y.Doc, id: string) => void
          const { server, client } = boardWithThread()
          const update = updateOf(client, () => edit(client, id))
          const as = isVoter ? voter : editor
          expect(codeOf(server, update, as(ANA))?.code).toBe(CloseCode.Forbidden)
          // Ben, the author, may change his own, but not whose it is.
          const own = codeOf(server, update, as(BEN))
          if (change === 'takeOver' || change === 'rename' || change === 'overwrite')
            expect(own?.code).toBe(CloseCode.Forbidden)
          else expect(own).toBeNull()
        },
      ),
    )
  })

  it('lets owners and editors, and whoever asked, mark a question answered, in their own name only', () => {
    const answer = (by: { id: string; name: string }) => {
      const { server, client } = boardWithThread()
      return { server, update: updateOf(client, () => markAnswered(client, 'q', by, at)) }
    }
    const check = ({ server, update }: { server: Y.Doc; update: Uint8Array }, access: GuardAccess) =>
      codeOf(server, update, access)
    expect(check(answer(ANA), editor(ANA))).toBeNull()
    expect(check(answer(ANA), voter(ANA))?.code).toBe(CloseCode.Forbidden)
    expect(check(answer(BEN), voter(BEN))).toBeNull()
    // Marked in another's name, or "answered" on a comment that is no question.
    expect(check(answer(BEN), editor(ANA))?.code).toBe(CloseCode.Forbidden)
    const { server, client } = boardWithThread()
    const onComment = updateOf(client, () =>
      commentOf(client, 'c').set('answered', { by: ANA.id, byName: ANA.name, at: at.toISOString() }),
    )
    expect(codeOf(server, onComment, editor(ANA))?.code).toBe(CloseCode.Forbidden)
  })

  it('takes a voter’s update of their own comments only: anything else with it is refused, and without one dropped', () => {
    const { server, client } = boardWithThread()
    const comment = () => say(client, 'v1', ANA, 'Hm')
    const card = () => getRecords(client).set('shape:card', new Y.Map())
    const first = updateOf(client, comment)
    expect(codeOf(server, first, voter(ANA))).toBeNull()
    // Taken, as the sync server would.
    Y.applyUpdate(server, first)
    const mixed = updateOf(client, () => {
      say(client, 'v2', ANA, 'Hm')
      card()
    })
    expect(codeOf(server, mixed, voter(ANA))).toMatchObject({ code: CloseCode.Forbidden })
    expect(codeOf(server, mixed, voter(ANA))?.drop).toBeUndefined()
    const client2 = new Y.Doc()
    Y.applyUpdate(client2, Y.encodeStateAsUpdate(server))
    const cardOnly = updateOf(client2, () => getRecords(client2).set('shape:x', new Y.Map()))
    expect(codeOf(server, cardOnly, voter(ANA))).toMatchObject({ drop: true })
    // The same from an editor is an edit like any other.
    expect(codeOf(server, cardOnly, editor(ANA))).toBeNull()
  })

  it('refuses a comment past its length, and any nested value or rich text in one', () => {
    const { server, client } = boardWithThread()
    const { server: s0, client: c0 } = boardWithThread()
    const tooLong = updateOf(c0, () => say(c0, 'long', ANA, 'x'.repeat(COMMENT_MAX_CHARS + 1)))
    expect(codeOf(s0, tooLong, editor(ANA))?.code, 'long').toBe(CloseCode.TooLarge)
    const { server: s2, client: c2 } = boardWithThread()
    const growing = updateOf(c2, () =>
      (commentOf(c2, 'q').get('text') as Y.Text).insert(0, 'y'.repeat(COMMENT_MAX_CHARS)),
    )
    expect(codeOf(s2, growing, editor(BEN))?.code, 'growing').toBe(CloseCode.TooLarge)
    const nested = updateOf(client, () => {
      say(client, 'n', ANA, 'x')
      commentOf(client, 'n').set('extra', new Y.Map())
    })
    expect(codeOf(server, nested, editor(ANA))?.code).toBe(CloseCode.Forbidden)
    // The text as a plain string would escape the comment's length; on a new comment or one's own.
    for (const id of ['plain', 'q']) {
      const { server: s4, client: c4 } = boardWithThread()
      const plain = updateOf(c4, () => {
        if (id === 'plain') say(c4, id, BEN, 'x')
        commentOf(c4, id).set('text', 'y'.repeat(COMMENT_MAX_CHARS * 10))
      })
      expect(codeOf(s4, plain, editor(BEN))?.code, id).toBe(CloseCode.Forbidden)
    }
    const { server: s3, client: c3 } = boardWithThread()
    const bold = updateOf(c3, () => {
      say(c3, 'b', ANA, 'x')
      ;(commentOf(c3, 'b').get('text') as Y.Text).format(0, 1, { bold: true })
    })
    expect(codeOf(s3, bold, editor(ANA))?.code).toBe(CloseCode.Forbidden)
  })

  it('takes no comment from a sender the server cannot name', () => {
    const { server, client } = boardWithThread()
    const update = updateOf(client, () => say(client, 'anon', ANA, 'x'))
    expect(checkClientUpdate(server, update)?.code).toBe(CloseCode.Forbidden)
    // Records stay as they were for a caller with no access (the locks and fuzz suites).
    putCard(server)
  })
})

function putCard(doc: Y.Doc) {
  const client = new Y.Doc()
  Y.applyUpdate(client, Y.encodeStateAsUpdate(doc))
  const update = updateOf(client, () => {
    getRecords(client).set(page.id, new Y.Map())
    getRecords(client).set(cardAt('x', 0, 0).id, new Y.Map())
  })
  expect(checkClientUpdate(doc, update)).toBeNull()
}
