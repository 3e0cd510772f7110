import { can, type MemberView, ROLES, type Role } from '@refinery/shared'
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react'
import { api, errorMessage } from '../api/client'
import { navigate } from '../app/router'
import type { OpenBoard } from './boardContext'
import { InviteLinks } from './InviteLinks'
import { ROLE_NAMES } from './roleNames'
import { rememberView } from './useBoardAccess'

/** The header's Share button and the dialog it opens. */
export function ShareButton({ open }: { open: OpenBoard }) {
  const dialog = useRef<HTMLDialogElement>(null)
  const [shown, setShown] = useState(false)
  return (
    <>
      <button
        type="button"
        className="button button--small button--primary share-button"
        data-testid="share"
        title="Share this board"
        onClick={() => {
          setShown(true)
          dialog.current?.showModal()
        }}
      >
        {/* On a narrow screen the icon alone shows; the word stays the button's name. */}
        <svg className="share-button__icon" viewBox="0 0 16 16" aria-hidden="true">
          <path d="M8 10V2.5M5 5.5l3-3 3 3M3 9v3.5a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V9" />
        </svg>
        <span className="share-button__label">Share</span>
      </button>
      <dialog ref={dialog} className="dialog" onClose={() => setShown(false)} aria-labelledby="share-title">
        {shown && <ShareDialogContent open={open} close={() => dialog.current?.close()} />}
      </dialog>
    </>
  )
}

function message(error: unknown): string {
  return errorMessage(error, 'Something went wrong. Try again.')
}

function ShareDialogContent({ open, close }: { open: OpenBoard; close: () => void }) {
  const boardId = open.board.id
  const manages = can(open.board.role, 'members:manage')
  const [members, setMembers] = useState<MemberView[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const showError = useCallback((caught: unknown) => setError(message(caught)), [])

  const reload = useCallback(async () => {
    try {
      setMembers((await api.members(boardId)).members)
    } catch (caught) {
      showError(caught)
    }
  }, [boardId, showError])

  useEffect(() => {
    void reload()
  }, [reload])

  const act = async (action: () => Promise<unknown>) => {
    setError(null)
    try {
      await action()
      await reload()
    } catch (caught) {
      setError(message(caught))
    }
  }

  return (
    <div className="share" data-testid="share-dialog">
      <header className="dialog__header">
        <h2 id="share-title">Share “{open.board.title}”</h2>
        <button type="button" className="button button--small" onClick={close} aria-label="Close">
          Close
        </button>
      </header>

      {manages ? (
        <InviteLinks boardId={boardId} onError={showError} />
      ) : (
        <p className="muted">Only the board's owners can invite people.</p>
      )}

      <section className="share__section">
        <h3>Members</h3>
        {members === null ? (
          <p className="muted">Loading…</p>
        ) : (
          <ul className="share__list" data-testid="members">
            {members.map((member) => (
              <li key={member.userId} className="share__row">
                <span>
                  {member.name}
                  {member.userId === open.me.id && <span className="muted"> (you)</span>}
                  {member.isGuest && <span className="muted"> · guest</span>}
                  {member.email && <span className="muted"> · {member.email}</span>}
                </span>
                {manages ? (
                  <>
                    <select
                      className="field field--small"
                      value={member.role}
                      aria-label={`Role of ${member.name}`}
                      onChange={(event) =>
                        act(() => api.setMemberRole(boardId, member.userId, event.target.value as Role))
                      }
                    >
                      {ROLES.map((option) => (
                        <option key={option} value={option}>
                          {ROLE_NAMES[option]}
                        </option>
                      ))}
                    </select>
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => act(() => api.removeMember(boardId, member.userId))}
                    >
                      Remove
                    </button>
                  </>
                ) : (
                  <span className={`role-badge role-badge--${member.role}`}>{ROLE_NAMES[member.role]}</span>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      {can(open.board.role, 'board:configure') && <BoardSettings open={open} onError={setError} />}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}

/** The owner's settings: the board's title, the dots each person may place, and deleting it. */
function BoardSettings({ open, onError }: { open: OpenBoard; onError: (message: string | null) => void }) {
  const [title, setTitle] = useState(open.board.title)
  const [budget, setBudget] = useState(String(open.board.voteBudget))
  const [saved, setSaved] = useState(false)
  const boardId = open.board.id

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    onError(null)
    try {
      const board = await api.updateBoard(boardId, { title, voteBudget: Number(budget) })
      rememberView(board)
      open.setBoard(board)
      setSaved(true)
    } catch (caught) {
      onError(message(caught))
    }
  }

  const remove = async () => {
    if (!window.confirm(`Delete “${open.board.title}” for everyone? This cannot be undone.`)) return
    try {
      await api.deleteBoard(boardId)
      navigate('/')
    } catch (caught) {
      onError(message(caught))
    }
  }

  return (
    <section className="share__section">
      <h3>Board settings</h3>
      <form className="form" onSubmit={save} onChange={() => setSaved(false)}>
        <div className="field-row">
          <label className="form__field share__grow">
            Title
            <input
              className="field"
              value={title}
              onChange={(event) => setTitle(event.target.value)}
              required
              maxLength={120}
              data-testid="board-title-input"
            />
          </label>
          <label className="form__field">
            Dots per person
            <input
              className="field share__number"
              type="number"
              min={0}
              max={100}
              value={budget}
              onChange={(event) => setBudget(event.target.value)}
              required
              data-testid="vote-budget-input"
            />
          </label>
        </div>
        <div className="field-row">
          <button type="submit" className="button" data-testid="save-board-settings">
            {saved ? 'Saved' : 'Save'}
          </button>
          <span className="share__grow" />
          <button type="button" className="button button--danger" onClick={remove} data-testid="delete-board">
            Delete board
          </button>
        </div>
      </form>
    </section>
  )
}
