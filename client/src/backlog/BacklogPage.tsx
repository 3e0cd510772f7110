import { type Backlog, type BacklogItem, type BoardView, can, type VersionView } from '@refinery/shared'
import { type FormEvent, useId, useMemo, useState, useSyncExternalStore } from 'react'
import { ApiError, api, errorMessage } from '../api/client'
import { formatDate } from '../app/formatDate'
import { Link } from '../app/Link'
import { Logo } from '../app/Logo'
import { navigate } from '../app/router'
import { useDocumentTitle } from '../app/useDocumentTitle'
import { isStatus, useLoaded } from '../app/useLoaded'
import { signInPath, useMe } from '../auth/me'
import { boardPath, versionBoardPath } from '../board/boardId'
import { MOSCOW_LABELS } from '../storyMap/cardFields'
import { groupByRelease, inAppPath, pointsText, type ReleaseGroup } from './backlogGroups'
import { BacklogChanges, CompareForm } from './CompareVersions'
import './backlog.css'

function onLocationChange(notify: () => void): () => void {
  window.addEventListener('popstate', notify)
  return () => window.removeEventListener('popstate', notify)
}

/** What the page shows, from its query: a finished version (`?version=`), a comparison, or the live backlog. */
function useBacklogQuery() {
  const search = useSyncExternalStore(onLocationChange, () => window.location.search)
  return useMemo(() => {
    const query = new URLSearchParams(search)
    const compare = query.get('compare')
    const against = query.get('against')
    return {
      versionId: query.get('version'),
      comparison: compare && against ? { from: compare, against } : null,
    }
  }, [search])
}

export function BacklogPage({ boardId }: { boardId: string }) {
  const me = useMe()
  const signedIn = me.status === 'signed-in' || (me.status === 'unreachable' && me.user !== null)
  const board = useLoaded<BoardView>(signedIn ? boardId : null, signedIn ? () => api.board(boardId) : null)
  useDocumentTitle(`Backlog · ${board.status === 'ready' ? board.value.title : boardId} · Refinery`)

  if (me.status === 'signed-out' || (board.status === 'failed' && isStatus(board.error, 401))) {
    return <SignInNeeded />
  }
  if (board.status === 'failed') {
    return isStatus(board.error, 404) ? <NoSuchBoard /> : <Unavailable error={board.error} />
  }
  if (board.status === 'loading' || me.status === 'loading') {
    return <p className="page-loading">Opening the backlog…</p>
  }
  return <BacklogView board={board.value} />
}

function SignInNeeded() {
  return (
    <main className="centered-page">
      <section className="panel" data-testid="backlog-sign-in">
        <Logo size={40} />
        <h1>Sign in to see this backlog</h1>
        <p className="muted">A board’s backlog is for the people on the board.</p>
        <Link to={signInPath()} className="button button--primary">
          Sign in
        </Link>
      </section>
    </main>
  )
}

function NoSuchBoard() {
  return (
    <main className="centered-page">
      <section className="panel" data-testid="backlog-not-found">
        <Logo size={40} />
        <h1>No backlog here</h1>
        <p className="muted">This board does not exist or you are not a member of it.</p>
        <Link to="/" className="button button--primary">
          Your boards
        </Link>
      </section>
    </main>
  )
}

function Unavailable({ error }: { error: unknown }) {
  return (
    <main className="centered-page">
      <section className="panel">
        <h1>The backlog cannot be loaded right now</h1>
        <p className="notice notice--error" role="alert">
          {errorMessage(error, 'Something went wrong. Try again in a moment.')}
        </p>
      </section>
    </main>
  )
}

function BacklogView({ board }: { board: BoardView }) {
  const { versionId, comparison } = useBacklogQuery()
  const backlog = useLoaded<Backlog>(`${board.id}/${versionId ?? 'live'}`, () =>
    versionId ? api.versionBacklog(board.id, versionId) : api.backlog(board.id),
  )
  const versions = useLoaded<VersionView[]>(board.id, async () => (await api.versions(board.id)).versions)
  const [finished, setFinished] = useState<{ versionId: string; name: string } | null>(null)
  const version =
    versionId && versions.status === 'ready'
      ? versions.value.find((entry) => entry.id === versionId)
      : undefined
  const here = `/b/${board.id}/backlog`

  return (
    <main className="backlog-page">
      <header className="topbar">
        <Link to="/" className="brand brand--small" title="Your boards">
          <Logo size={24} />
          <span className="brand__name">Refinery</span>
        </Link>
        <span className="backlog-page__board" title={board.title}>
          {board.title}
        </span>
        <span className="topbar__spacer" />
        <Link to={boardPath(board.id)} className="button button--small" data-testid="back-to-board">
          ← Back to the board
        </Link>
      </header>

      <div className="backlog-page__body">
        {comparison ? (
          <section className="backlog-page__main">
            <div className="backlog-page__heading">
              <div>
                <h1>What changed</h1>
                <p className="muted">
                  Cards added, removed, re-ranked, re-estimated and moved between releases ·{' '}
                  <Link to={here} data-testid="live-backlog-link">
                    Back to the backlog
                  </Link>
                </p>
              </div>
            </div>
            {versions.status === 'ready' && (
              <BacklogChanges
                boardId={board.id}
                versions={versions.value}
                from={comparison.from}
                against={comparison.against}
              />
            )}
          </section>
        ) : (
          <section className="backlog-page__main">
            <div className="backlog-page__heading">
              <div>
                <h1>{versionId ? (version?.name ?? 'Finished version') : 'Backlog'}</h1>
                <p className="muted">
                  {versionId ? (
                    <>
                      Frozen {version ? formatDate(version.createdAt) : ''} ·{' '}
                      <Link to={versionBoardPath(board.id, versionId)} data-testid="version-board-link">
                        The board as it was
                      </Link>{' '}
                      ·{' '}
                      <Link to={here} className="backlog-page__live-link" data-testid="live-backlog-link">
                        See the live backlog
                      </Link>
                    </>
                  ) : (
                    'Live from the board: ranked by release, then MoSCoW, then dots, then row and step.'
                  )}
                </p>
              </div>
              <Downloads boardId={board.id} versionId={versionId} />
            </div>

            {finished && !versionId && (
              <p className="notice notice--ok" role="status" data-testid="finished-notice">
                Finished “{finished.name}”. It is kept as it is now, with its own downloads.{' '}
                <Link to={`${here}?version=${encodeURIComponent(finished.versionId)}`}>Open it</Link>
              </p>
            )}

            {backlog.status === 'loading' && (
              <p className="muted backlog-page__loading">Loading the backlog…</p>
            )}
            {backlog.status === 'failed' && (
              <p className="notice notice--error" role="alert">
                {isStatus(backlog.error, 404)
                  ? 'This version does not exist on this board.'
                  : backlog.error instanceof ApiError
                    ? backlog.error.message
                    : 'The backlog could not be loaded.'}
              </p>
            )}
            {backlog.status === 'ready' && <BacklogItems backlog={backlog.value} />}
          </section>
        )}

        <aside className="backlog-page__side">
          {!versionId && can(board.role, 'board:finish') && (
            <FinishVersion
              boardId={board.id}
              suggestedName={`Version ${(versions.status === 'ready' ? versions.value.length : 0) + 1}`}
              onFinished={(result) => {
                setFinished(result)
                versions.reload()
                backlog.reload()
              }}
            />
          )}
          <section className="backlog-card">
            <h2>Finished versions</h2>
            {versions.status === 'ready' && versions.value.length === 0 && (
              <p className="muted">None yet. Finish the board to keep its backlog as it is at that moment.</p>
            )}
            {versions.status === 'failed' && <p className="muted">The versions could not be loaded.</p>}
            {versions.status === 'ready' && versions.value.length > 0 && (
              <ul className="backlog-versions" data-testid="versions">
                {!!versionId && (
                  <li>
                    <Link to={here}>Live backlog</Link>
                  </li>
                )}
                {versions.value.map((entry) => (
                  <li key={entry.id} aria-current={entry.id === versionId ? 'page' : undefined}>
                    <Link to={`${here}?version=${encodeURIComponent(entry.id)}`} data-testid="version-link">
                      {entry.name}
                    </Link>
                    <span className="muted">
                      {formatDate(entry.createdAt)} · {entry.items} {entry.items === 1 ? 'story' : 'stories'}{' '}
                      ·{' '}
                      <Link to={versionBoardPath(board.id, entry.id)} className="backlog-versions__board">
                        board
                      </Link>
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {versions.status === 'ready' && versions.value.length > 0 && (
            <CompareForm
              key={`${comparison?.from}→${comparison?.against}`}
              boardId={board.id}
              versions={versions.value}
              from={comparison?.from ?? null}
              against={comparison?.against ?? null}
            />
          )}
        </aside>
      </div>
    </main>
  )
}

function Downloads({ boardId, versionId }: { boardId: string; versionId: string | null }) {
  const formats = [
    { format: 'csv', label: 'Jira CSV' },
    { format: 'md', label: 'Markdown' },
    { format: 'json', label: 'JSON' },
  ] as const
  return (
    <nav className="backlog-downloads" aria-label="Download the backlog">
      {formats.map(({ format, label }) => (
        <a
          key={format}
          className="button button--small"
          href={api.exportUrl(boardId, format, versionId ?? undefined)}
          download
          data-testid={`download-${format}`}
        >
          ↓ {label}
        </a>
      ))}
      {versionId === null && (
        <a
          className="button button--small"
          href={api.boardFileUrl(boardId)}
          download
          title="The whole board as one file, to keep (in git, say) or to import as a new board"
          data-testid="download-board-file"
        >
          ↓ Board file
        </a>
      )}
    </nav>
  )
}

function FinishVersion({
  boardId,
  suggestedName,
  onFinished,
}: {
  boardId: string
  suggestedName: string
  onFinished: (result: { versionId: string; name: string }) => void
}) {
  const [open, setOpen] = useState(false)
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const id = useId()

  const finish = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const result = await api.finish(boardId, name.trim() || undefined)
      onFinished({ versionId: result.versionId, name: result.name })
      setOpen(false)
      setName('')
    } catch (caught) {
      setError(errorMessage(caught, 'The board could not be finished. Try again.'))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="backlog-card">
      <h2>Finish the board</h2>
      <p className="muted">
        Keeps this backlog as a named version: later changes on the board do not touch it.
      </p>
      {open ? (
        <form className="backlog-finish" onSubmit={finish}>
          <label htmlFor={id}>Version name (optional)</label>
          <input
            id={id}
            className="field"
            value={name}
            maxLength={120}
            placeholder={suggestedName}
            onChange={(event) => setName(event.target.value)}
            data-testid="version-name"
            // biome-ignore lint/a11y/noAutofocus: the field is what the person just asked for
            autoFocus
          />
          <div className="field-row">
            <button
              type="submit"
              className="button button--primary"
              disabled={busy}
              data-testid="finish-confirm"
            >
              {busy ? 'Finishing…' : 'Finish'}
            </button>
            <button type="button" className="button" onClick={() => setOpen(false)} disabled={busy}>
              Cancel
            </button>
          </div>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
        </form>
      ) : (
        <button
          type="button"
          className="button button--primary"
          onClick={() => setOpen(true)}
          data-testid="finish-board"
        >
          Finish…
        </button>
      )}
    </section>
  )
}

function BacklogItems({ backlog }: { backlog: Backlog }) {
  const groups = groupByRelease(backlog)
  if (backlog.items.length === 0) {
    return (
      <div className="backlog-empty" data-testid="backlog-empty">
        <h2>No stories yet</h2>
        <p className="muted">
          Add story cards under the journey steps on the board: they show up here, ranked, as you add them.
        </p>
      </div>
    )
  }
  return (
    <>
      {backlog.warnings.length > 0 && (
        <div className="notice notice--warn" role="status">
          {backlog.warnings.length === 1 ? 'One shape is' : `${backlog.warnings.length} shapes are`} left out
          because {backlog.warnings.length === 1 ? 'it is' : 'they are'} damaged:{' '}
          {backlog.warnings.map((warning) => warning.message).join('; ')}
        </div>
      )}
      {groups.map((group) => (
        <ReleaseSection key={group.id ?? 'none'} group={group} />
      ))}
    </>
  )
}

function ReleaseSection({ group }: { group: ReleaseGroup }) {
  return (
    <section className="backlog-release" data-testid="backlog-release" data-release={group.name}>
      <header className="backlog-release__header">
        <h2>{group.name}</h2>
        <span className="muted">
          {group.items.length} {group.items.length === 1 ? 'story' : 'stories'}
          {group.items.length > 0 && ` · ${pointsText(group)}`}
        </span>
      </header>
      {group.items.length === 0 ? (
        <p className="muted backlog-release__empty">No cards in this release yet.</p>
      ) : (
        <table className="backlog-table">
          <thead>
            <tr>
              <th scope="col" className="backlog-table__rank">
                #
              </th>
              <th scope="col">Story</th>
              <th scope="col" className="backlog-table__epic">
                Epic
              </th>
              <th scope="col" className="backlog-table__number">
                Estimate
              </th>
              <th scope="col" className="backlog-table__moscow">
                MoSCoW
              </th>
              <th scope="col" className="backlog-table__number">
                Dots
              </th>
            </tr>
          </thead>
          <tbody>
            {group.items.map((item) => (
              <ItemRow key={item.id} item={item} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function ItemRow({ item }: { item: BacklogItem }) {
  const path = inAppPath(item.url)
  return (
    <tr
      className="backlog-item"
      data-testid="backlog-item"
      data-rank={item.rank}
      // The whole row opens the card; the title is the link for keyboards and new tabs.
      onClick={(event) => {
        if (!(event.target instanceof Element && event.target.closest('a'))) navigate(path)
      }}
    >
      <td className="backlog-table__rank">{item.rank}</td>
      <td>
        <Link to={path} className="backlog-item__title" title="Open this card on the board">
          {item.title}
        </Link>
        {item.story && <p className="backlog-item__story">{item.story}</p>}
        {item.labels.length > 0 && (
          <div className="backlog-item__labels">
            {item.labels.map((label) => (
              <span key={label} className="backlog-item__label">
                {label}
              </span>
            ))}
          </div>
        )}
        {item.openQuestions > 0 && (
          <ul className="backlog-item__questions" data-testid="backlog-open-questions">
            {item.comments
              .filter((comment) => comment.question && comment.answered === null)
              .map((question) => (
                <li key={question.id}>
                  <span className="backlog-item__question-mark" aria-hidden="true">
                    ?
                  </span>
                  {question.text} <span className="muted">— {question.author}</span>
                </li>
              ))}
          </ul>
        )}
      </td>
      <td className="backlog-item__epic">{item.epic ?? <span className="muted">—</span>}</td>
      <td className="backlog-table__number">{item.estimate ?? <span className="muted">—</span>}</td>
      <td>
        {item.moscow ? (
          <span className={`backlog-moscow backlog-moscow--${item.moscow}`}>
            {MOSCOW_LABELS[item.moscow]}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="backlog-table__number">
        {item.votes > 0 ? (
          <span className="backlog-item__dots">
            <span className="backlog-item__dot" aria-hidden="true" />
            {item.votes}
          </span>
        ) : (
          <span className="muted">0</span>
        )}
      </td>
    </tr>
  )
}
