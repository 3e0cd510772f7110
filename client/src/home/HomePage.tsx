import type { BoardTemplate, BoardView } from '@refinery/shared'
import { type ChangeEvent, type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { api, errorMessage } from '../api/client'
import { Link } from '../app/Link'
import { Logo } from '../app/Logo'
import { navigate } from '../app/router'
import { useDocumentTitle } from '../app/useDocumentTitle'
import { setMe, useMe } from '../auth/me'
import { boardPath } from '../board/boardId'

const ROLE_LABELS = { owner: 'Owner', editor: 'Editor', voter: 'Voter', viewer: 'Viewer' } as const

export function HomePage() {
  useDocumentTitle('Refinery')
  const me = useMe()
  if (me.status === 'loading') return <p className="page-loading">Loading…</p>
  if (me.status === 'signed-in') return <BoardsPage name={me.user.name} isGuest={me.user.isGuest} />
  return <Landing unreachable={me.status === 'unreachable'} />
}

function Landing({ unreachable }: { unreachable: boolean }) {
  return (
    <main className="centered-page">
      <section className="panel home__panel">
        <div className="brand">
          <Logo size={36} />
          <span className="brand__name">Refinery</span>
        </div>
        <h1 className="home__title">Refine the backlog together, on one live board.</h1>
        <p className="muted">
          Lay out the story map with your team and your clients: everyone sees every card, every move and
          every cursor as it happens, and when the workshop ends the board becomes a ranked backlog for Jira.
        </p>
        {unreachable && (
          <p className="notice notice--error" role="alert">
            The server cannot be reached right now. Boards you opened before still work offline.
          </p>
        )}
        <div className="home__actions">
          <Link to="/signup" className="button button--primary button--large" data-testid="sign-up-link">
            Create an account
          </Link>
          <Link to="/signin" className="button button--large" data-testid="sign-in-link">
            Sign in
          </Link>
        </div>
      </section>
    </main>
  )
}

function BoardsPage({ name, isGuest }: { name: string; isGuest: boolean }) {
  const [boards, setBoards] = useState<BoardView[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    api.boards().then(
      ({ boards }) => setBoards(boards),
      (caught) => setError(errorMessage(caught, 'The boards could not be loaded.')),
    )
  }, [])

  const signOut = async () => {
    await api.signOut().catch(() => undefined)
    setMe(null)
  }

  return (
    <main className="boards-page">
      <header className="topbar">
        <Link to="/" className="brand brand--small">
          <Logo size={24} />
          <span className="brand__name">Refinery</span>
        </Link>
        <span className="topbar__spacer" />
        <span className="muted" data-testid="signed-in-as">
          {name}
        </span>
        <button type="button" className="button button--small" onClick={signOut} data-testid="sign-out">
          Sign out
        </button>
      </header>
      <div className="boards-page__body">
        <div className="boards-page__side">
          <NewBoardForm />
          <ImportBoard />
          {/* A guest joined by link with just a name: there is no password to change. */}
          {!isGuest && <AccountPanel />}
        </div>
        <section className="boards">
          <h2>Your boards</h2>
          {error && (
            <p className="notice notice--error" role="alert">
              {error}
            </p>
          )}
          {boards === null && !error && <p className="muted">Loading your boards…</p>}
          {boards?.length === 0 && (
            <p className="muted">
              No boards yet. Create one, or open an invite link someone shared with you.
            </p>
          )}
          {boards && boards.length > 0 && (
            <ul className="board-list" data-testid="board-list">
              {boards.map((board) => (
                <li key={board.id}>
                  <Link to={boardPath(board.id)} className="board-list__item">
                    <span className="board-list__title">{board.title}</span>
                    <span className={`role-badge role-badge--${board.role}`}>{ROLE_LABELS[board.role]}</span>
                    <span className="muted board-list__date">
                      {new Date(board.createdAt).toLocaleDateString()}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </main>
  )
}

/** Changing the password ends every other session of the account (a lost laptop, a shared machine). */
function AccountPanel() {
  const ids = { current: useId(), next: useId() }
  const [fields, setFields] = useState({ currentPassword: '', newPassword: '' })
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null)
  const [busy, setBusy] = useState(false)

  const change = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    setBusy(true)
    setOutcome(null)
    try {
      await api.changePassword(fields)
      setFields({ currentPassword: '', newPassword: '' })
      setOutcome({ ok: true, message: 'Password changed. You are signed out everywhere else.' })
    } catch (caught) {
      setOutcome({
        ok: false,
        message: errorMessage(caught, 'The password was not changed.'),
      })
    }
    setBusy(false)
  }

  return (
    <details className="panel account">
      <summary>Account</summary>
      <form className="form" onSubmit={change}>
        <div className="form__field">
          <label htmlFor={ids.current}>Current password</label>
          <input
            id={ids.current}
            className="field"
            type="password"
            autoComplete="current-password"
            required
            value={fields.currentPassword}
            onChange={(event) => setFields({ ...fields, currentPassword: event.target.value })}
          />
        </div>
        <div className="form__field">
          <label htmlFor={ids.next}>New password</label>
          <input
            id={ids.next}
            className="field"
            type="password"
            autoComplete="new-password"
            minLength={8}
            required
            value={fields.newPassword}
            onChange={(event) => setFields({ ...fields, newPassword: event.target.value })}
          />
          <p className="muted form__hint">
            At least 8 characters. Other browsers signed in as you are signed out.
          </p>
        </div>
        {outcome && (
          <p className={outcome.ok ? 'muted' : 'field-error'} role={outcome.ok ? 'status' : 'alert'}>
            {outcome.message}
          </p>
        )}
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </details>
  )
}

function NewBoardForm() {
  const ids = { title: useId(), template: useId() }
  const [title, setTitle] = useState('')
  const [template, setTemplate] = useState<BoardTemplate>('story-map')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const board = await api.createBoard({ title, template })
      navigate(boardPath(board.id))
    } catch (caught) {
      setError(errorMessage(caught, 'The board could not be created.'))
      setBusy(false)
    }
  }

  return (
    <section className="panel new-board">
      <h2>New board</h2>
      <form className="form" onSubmit={create} data-testid="new-board-form">
        <div className="form__field">
          <label htmlFor={ids.title}>Title</label>
          <input
            id={ids.title}
            className="field"
            name="title"
            placeholder="Checkout journey, Q3 refinement…"
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            required
            maxLength={120}
          />
        </div>
        <div className="form__field">
          <label htmlFor={ids.template}>Start from</label>
          <select
            id={ids.template}
            className="field"
            name="template"
            value={template}
            onChange={(event) => setTemplate(event.target.value as BoardTemplate)}
          >
            <option value="story-map">A story map (journey steps; MVP, Release 2, Later)</option>
            <option value="blank">A blank canvas</option>
          </select>
        </div>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={busy} data-testid="new-board">
          {busy ? 'Creating…' : 'Create board'}
        </button>
      </form>
    </section>
  )
}

/**
 * A board from a file: a Jira CSV export (Export → CSV, all fields) becomes a story map, a board file
 * the board it was exported from. The server reads it whole or not at all, and says which line it
 * could not read.
 */
function ImportBoard() {
  const input = useRef<HTMLInputElement>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (!file) return
    setBusy(true)
    setError(null)
    try {
      const board = await api.importBoard(file, file.name.replace(/\.[^.]*$/, ''))
      navigate(boardPath(board.id))
    } catch (caught) {
      setError(errorMessage(caught, 'The file could not be imported.'))
      setBusy(false)
    }
  }

  return (
    <section className="panel new-board" data-testid="import-board">
      <h2>Import</h2>
      <p className="muted form__hint">
        A Jira CSV export (all fields), or a board file (.json) exported from Refinery.
      </p>
      <input
        ref={input}
        type="file"
        accept=".csv,.json,text/csv,application/json"
        hidden
        onChange={importFile}
        data-testid="import-file"
      />
      {error && (
        <p className="field-error" role="alert" data-testid="import-error">
          {error}
        </p>
      )}
      <button type="button" className="button" disabled={busy} onClick={() => input.current?.click()}>
        {busy ? 'Importing…' : 'Import a file…'}
      </button>
    </section>
  )
}
