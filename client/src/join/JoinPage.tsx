import type { InvitePreview } from '@refinery/shared'
import { type FormEvent, useEffect, useId, useState } from 'react'
import { ApiError, api, errorMessage } from '../api/client'
import { Link } from '../app/Link'
import { Logo } from '../app/Logo'
import { navigate } from '../app/router'
import { useDocumentTitle } from '../app/useDocumentTitle'
import { refreshMe, signInPath, useMe } from '../auth/me'
import { boardPath } from '../board/boardId'

const ROLE_WORDS = {
  editor: 'edit the board and vote',
  voter: 'see the board and vote with dots',
  viewer: 'see the board',
} as const

type Invite =
  | { status: 'loading' }
  | { status: 'open'; preview: InvitePreview }
  | { status: 'gone'; message: string }

/** Where an invite link lands: a guest types a name and is on the board in one step. */
export function JoinPage({ token }: { token: string }) {
  useDocumentTitle('Join a board · Refinery')
  const me = useMe()
  const [invite, setInvite] = useState<Invite>({ status: 'loading' })
  const [name, setName] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const nameId = useId()

  useEffect(() => {
    api.invite(token).then(
      (preview) => setInvite({ status: 'open', preview }),
      (caught) =>
        setInvite({
          status: 'gone',
          message:
            caught instanceof ApiError && caught.status !== 0
              ? `${caught.message}. Ask the person who shared it for a new link.`
              : 'The server cannot be reached. Check your connection and open the link again.',
        }),
    )
  }, [token])

  const join = async (event?: FormEvent<HTMLFormElement>) => {
    event?.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const { boardId } = await api.acceptInvite(token, me.status === 'signed-in' ? undefined : name)
      await refreshMe()
      navigate(boardPath(boardId))
    } catch (caught) {
      setError(errorMessage(caught, 'Joining failed. Try again.'))
      setBusy(false)
    }
  }

  return (
    <main className="centered-page">
      <section className="panel auth" data-testid="join-page">
        <div className="brand">
          <Logo size={32} />
          <span className="brand__name">Refinery</span>
        </div>
        {invite.status === 'loading' && <p className="muted">Opening the invite…</p>}
        {invite.status === 'gone' && (
          <>
            <h1 className="auth__title">This invite link does not work</h1>
            <p className="notice notice--error" role="alert" data-testid="invite-error">
              {invite.message}
            </p>
            <Link to="/">Go to Refinery</Link>
          </>
        )}
        {invite.status === 'open' && (
          <>
            <h1 className="auth__title">
              Join <span data-testid="invite-board-title">{invite.preview.boardTitle}</span>
            </h1>
            <p className="muted">
              You are invited as {invite.preview.role}: you can {ROLE_WORDS[invite.preview.role]}.
            </p>
            {me.status === 'signed-in' ? (
              <button
                type="button"
                className="button button--primary button--large"
                onClick={() => join()}
                disabled={busy}
                data-testid="join-board"
              >
                {busy ? 'Joining…' : `Join as ${me.user.name}`}
              </button>
            ) : (
              <form className="form" onSubmit={join}>
                <div className="form__field">
                  <label htmlFor={nameId}>Your name</label>
                  <input
                    id={nameId}
                    className="field"
                    name="name"
                    value={name}
                    onChange={(event) => setName(event.target.value)}
                    placeholder="The name the others will see"
                    autoComplete="name"
                    required
                    maxLength={60}
                    data-testid="guest-name"
                  />
                </div>
                <button
                  type="submit"
                  className="button button--primary button--large"
                  disabled={busy}
                  data-testid="join-board"
                >
                  {busy ? 'Joining…' : 'Join the board'}
                </button>
                <p className="muted auth__switch">
                  Have an account? <Link to={signInPath()}>Sign in first</Link>
                </p>
              </form>
            )}
            {error && (
              <p className="field-error" role="alert">
                {error}
              </p>
            )}
          </>
        )}
      </section>
    </main>
  )
}
