import {
  type CardComment,
  COMMENT_MAX_CHARS,
  type CommentThread,
  can,
  commentTextProblem,
  countAsWritten,
  isOpenQuestion,
  threadsOf,
} from '@refinery/shared'
import { type FormEvent, useId, useMemo, useState } from 'react'
import { useEditor, useValue } from 'tldraw'
import { formatDate } from '../app/formatDate'
import { useOpenBoard } from '../board/boardContext'
import { boardCommentsOf, type CommentWriter, commentWriter } from './boardComments'
import { linkify } from './linkify'
import './comments.css'

/** The writer for this board's threads, in the signed-in person's name; null before the board is open. */
function useCommentWriter(): CommentWriter | null {
  const editor = useEditor()
  const { me } = useOpenBoard()
  return useMemo(() => {
    const open = window.refinery
    return open && open.editor === editor ? commentWriter(open.ydoc, { id: me.id, name: me.name }) : null
  }, [editor, me])
}

/** A card's questions and comments, in the card's panel: read by everyone, written by all but viewers. */
export function CardThread({ cardId }: { cardId: string }) {
  const editor = useEditor()
  const { board, me } = useOpenBoard()
  const all = useValue('board comments', () => boardCommentsOf(editor).all.get(), [editor])
  const threads = useMemo(() => threadsOf(all, cardId), [all, cardId])
  const writer = useCommentWriter()
  const canComment = can(board.role, 'board:comment') && writer !== null
  // Owners and editors settle questions; so does whoever asked.
  const canAnswer = (question: CardComment) => can(board.role, 'board:edit') || question.authorId === me.id
  const open = threads.filter((thread) => isOpenQuestion(thread.start)).length
  return (
    <section className="card-thread" data-testid="card-thread" aria-label="Questions and comments">
      <h3 className="card-thread__heading">
        Questions and comments
        {open > 0 && (
          <span className="card-thread__open" data-testid="card-open-questions">
            {open} open
          </span>
        )}
      </h3>
      {threads.length === 0 && (
        <p className="muted card-thread__empty">
          {canComment ? 'No questions yet. Ask one, or leave a comment for the team.' : 'No questions yet.'}
        </p>
      )}
      {threads.map((thread) => (
        <Thread
          key={thread.start.id}
          thread={thread}
          writer={canComment ? writer : null}
          canAnswer={canAnswer(thread.start)}
        />
      ))}
      {canComment && writer && <Compose cardId={cardId} writer={writer} />}
    </section>
  )
}

function Thread({
  thread,
  writer,
  canAnswer,
}: {
  thread: CommentThread
  writer: CommentWriter | null
  canAnswer: boolean
}) {
  const { start, replies } = thread
  const [replying, setReplying] = useState(false)
  return (
    <article
      className={`card-thread__thread${isOpenQuestion(start) ? ' card-thread__thread--open' : ''}`}
      data-testid="comment-thread"
      data-question={start.question || undefined}
      data-answered={start.answered ? true : undefined}
    >
      <Comment comment={start} />
      {start.question && (
        <div className="card-thread__status">
          {start.answered ? (
            <span data-testid="answered-by">
              Answered · marked by {start.answered.byName || 'someone'}, {formatDate(start.answered.at)}
            </span>
          ) : (
            <span className="card-thread__waiting">Waiting for an answer</span>
          )}
          {writer && canAnswer && (
            <button
              type="button"
              className="button button--small"
              data-testid={start.answered ? 'reopen-question' : 'mark-answered'}
              onClick={() => writer.answer(start.id, !start.answered)}
            >
              {start.answered ? 'Reopen' : 'Mark answered'}
            </button>
          )}
        </div>
      )}
      {replies.length > 0 && (
        <ol className="card-thread__replies">
          {replies.map((reply) => (
            <li key={reply.id}>
              <Comment comment={reply} />
            </li>
          ))}
        </ol>
      )}
      {writer &&
        (replying ? (
          <Compose
            cardId={start.cardId}
            writer={writer}
            replyTo={start.id}
            onDone={() => setReplying(false)}
          />
        ) : (
          <button
            type="button"
            className="card-thread__reply-button"
            data-testid="reply"
            onClick={() => setReplying(true)}
          >
            Reply
          </button>
        ))}
    </article>
  )
}

function Comment({ comment }: { comment: CardComment }) {
  return (
    <div className="card-thread__comment" data-testid="comment" data-comment={comment.id}>
      <div className="card-thread__meta">
        <strong>{comment.authorName || 'Someone'}</strong>
        {comment.question && <span className="card-thread__kind">asked</span>}
        <time dateTime={comment.createdAt} className="muted">
          {formatDate(comment.createdAt)}
        </time>
      </div>
      <p className="card-thread__text">
        {linkify(comment.text).map((part, index) =>
          part.kind === 'link' ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text, in order
            <a key={index} href={part.href} target="_blank" rel="noopener noreferrer nofollow ugc">
              {part.text}
            </a>
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text, in order
            <span key={index}>{part.text}</span>
          ),
        )}
      </p>
    </div>
  )
}

/** Where a question, a comment or a reply is written. */
function Compose({
  cardId,
  writer,
  replyTo = null,
  onDone,
}: {
  cardId: string
  writer: CommentWriter
  replyTo?: string | null
  onDone?: () => void
}) {
  const id = useId()
  const [text, setText] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const send = (question: boolean) => {
    const why = commentTextProblem(text)
    setProblem(why)
    if (why) return
    writer.add(cardId, text, { question, replyTo })
    setText('')
    onDone?.()
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    send(false)
  }
  const near = text.length > COMMENT_MAX_CHARS * 0.9
  return (
    <form
      className="card-thread__compose"
      onSubmit={submit}
      data-testid={replyTo ? 'reply-form' : 'comment-form'}
    >
      <textarea
        id={id}
        aria-label={replyTo ? 'Your reply' : 'Your question or comment'}
        value={text}
        rows={replyTo ? 2 : 3}
        placeholder={replyTo ? 'Reply…' : 'Ask a question or leave a comment…'}
        onChange={(event) => {
          setText(event.target.value)
          if (problem) setProblem(null)
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
            event.preventDefault()
            send(!replyTo && event.shiftKey)
          }
          if (event.key === 'Escape' && onDone) onDone()
        }}
        aria-invalid={problem ? true : undefined}
        // biome-ignore lint/a11y/noAutofocus: a reply box opens because someone asked to reply
        autoFocus={replyTo !== null}
      />
      {(problem || near) && (
        <p
          className={problem ? 'card-thread__problem' : 'muted card-thread__count'}
          role={problem ? 'alert' : undefined}
        >
          {problem ?? `${countAsWritten(text.length)} of ${countAsWritten(COMMENT_MAX_CHARS)} characters`}
        </p>
      )}
      <div className="card-thread__actions">
        {replyTo ? (
          <>
            <button type="submit" className="button button--small button--primary" data-testid="send-reply">
              Reply
            </button>
            <button type="button" className="button button--small" onClick={onDone}>
              Cancel
            </button>
          </>
        ) : (
          <>
            <button
              type="button"
              className="button button--small button--primary"
              data-testid="ask-question"
              onClick={() => send(true)}
            >
              Ask
            </button>
            <button type="submit" className="button button--small" data-testid="add-comment">
              Comment
            </button>
          </>
        )}
      </div>
    </form>
  )
}
