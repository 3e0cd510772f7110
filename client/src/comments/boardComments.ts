import {
  addComment,
  type CardComment,
  getComments,
  markAnswered,
  openQuestionCounts,
  readComments,
} from '@refinery/shared'
import { type Atom, atom, type Computed, computed, type Editor } from 'tldraw'
import type * as Y from 'yjs'

interface BoardComments {
  all: Atom<CardComment[]>
  /** Open questions per card id. */
  open: Computed<ReadonlyMap<string, number>>
}

const commentsByEditor = new WeakMap<Editor, BoardComments>()

/** The board's questions and comments, live, for the cards and the panel; empty until bound to the board. */
export function boardCommentsOf(editor: Editor): BoardComments {
  let comments = commentsByEditor.get(editor)
  if (!comments) {
    const all = atom<CardComment[]>('board comments', [])
    comments = { all, open: computed('open questions', () => openQuestionCounts(all.get())) }
    commentsByEditor.set(editor, comments)
  }
  return comments
}

/** Keeps `comments` equal to the document's `comments` map; returns the function that stops. */
export function bindComments(doc: Y.Doc, comments: Atom<CardComment[]>): () => void {
  const map = getComments(doc)
  const update = () => comments.set(readComments(doc))
  update()
  map.observeDeep(update)
  return () => map.unobserveDeep(update)
}

/** Who writes: the signed-in person, as the server knows them (it refuses a comment in anyone else's name). */
export interface Author {
  id: string
  name: string
}

/** Writing into the board's threads: each change is one transaction of the document, synced like any edit. */
export function commentWriter(doc: Y.Doc, author: Author) {
  return {
    add(cardId: string, text: string, options: { question: boolean; replyTo?: string | null }) {
      doc.transact(() =>
        addComment(doc, {
          id: crypto.randomUUID(),
          cardId,
          replyTo: options.replyTo ?? null,
          author,
          text: text.trim(),
          question: options.question,
          createdAt: new Date(),
        }),
      )
    },
    answer(commentId: string, answered: boolean) {
      doc.transact(() => markAnswered(doc, commentId, answered ? author : null, new Date()))
    },
  }
}

export type CommentWriter = ReturnType<typeof commentWriter>
