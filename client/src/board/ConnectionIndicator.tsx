import { BOARD_FILE_TYPE, boardFile, boardFileName, readRecords } from '@refinery/shared'
import { useEffect, useState } from 'react'
import { useValue } from 'tldraw'
import { Link } from '../app/Link'
import type { BoardConnection } from '../sync/boardConnection'
import {
  type ConnectionStatus,
  connectionStatus,
  refusalMessage,
  refusalRemedy,
} from '../sync/connectionState'

const LABELS: Record<ConnectionStatus, string> = {
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
}

const EXPLANATIONS: Record<ConnectionStatus, string> = {
  connected: 'Changes reach everyone on this board as you make them.',
  reconnecting: 'Changes are kept in this browser and sent as soon as the server answers.',
  offline: 'Changes are kept in this browser and sent when you are back online.',
}

/** Connected, reconnecting or offline, with `data-status` for the end-to-end tests. */
export function ConnectionIndicator({ connection }: { connection: BoardConnection }) {
  const state = useValue('connection state', () => connection.$state.get(), [connection])
  const status = connectionStatus(state)
  const firstAttempt = status === 'reconnecting' && !state.everSynced && !state.attemptFailed
  const label = firstAttempt ? 'Connecting…' : LABELS[status]
  // On a narrow screen the dot alone shows: the label stays its name and its tooltip.
  return (
    <div
      className={`connection connection--${status}`}
      role="status"
      aria-label={label}
      data-testid="connection-status"
      data-status={status}
      title={`${label}. ${EXPLANATIONS[status]}`}
    >
      <span className="connection__dot" aria-hidden="true" />
      <span className="connection__label">{label}</span>
    </div>
  )
}

/**
 * Why the server refused the board, when it did, and what to do: retrying will not help, so it says
 * so plainly. A refused change stays in this browser's copy and would be sent again on every reload:
 * the notice offers to download that copy as a board file and to carry on without the change.
 */
export function RefusalNotice({ connection, title }: { connection: BoardConnection; title: string }) {
  const refusal = useValue('refusal', () => connection.$state.get().refusal, [connection])
  const offlineWork = useValue('offline work', () => connection.$state.get().offlineWork, [connection])
  // A change that raced a lock is not worth keeping: put the board back at once, unless this browser
  // also holds work made offline, which its person may want to download first.
  const restoreNow = refusal !== null && refusalRemedy(refusal) === 'restore' && !offlineWork
  useEffect(() => {
    if (restoreNow) void connection.discardLocalCopy()
  }, [restoreNow, connection])
  if (refusal === null) return null
  const remedy = refusalRemedy(refusal)
  return (
    <div className="notice notice--error refusal" role="alert" data-testid="connection-error">
      <p className="refusal__message">
        {refusalMessage(refusal)}{' '}
        {restoreNow
          ? 'Putting the board back as everyone else sees it…'
          : remedy === 'recover' || remedy === 'restore'
            ? 'It stays in this browser only. Download a copy of your work, then carry on with the board as everyone else sees it.'
            : 'Your changes stay in this browser.'}
      </p>
      <div className="refusal__actions">
        {remedy === 'sign-in' && (
          <Link
            to={`/signin?next=${encodeURIComponent(window.location.pathname)}`}
            className="button button--small"
          >
            Sign in
          </Link>
        )}
        {remedy === 'your-boards' && (
          <Link to="/" className="button button--small">
            Your boards
          </Link>
        )}
        {(remedy === 'recover' || (remedy === 'restore' && !restoreNow)) && (
          <RecoverActions connection={connection} title={title} />
        )}
        {remedy === 'reload' && (
          <button type="button" className="button button--small" onClick={() => window.location.reload()}>
            Reload
          </button>
        )}
      </div>
    </div>
  )
}

function RecoverActions({ connection, title }: { connection: BoardConnection; title: string }) {
  const [confirming, setConfirming] = useState(false)
  const [discarding, setDiscarding] = useState(false)
  const download = () => {
    const file = boardFile(title, readRecords(connection.doc))
    const url = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2)], { type: BOARD_FILE_TYPE }))
    const link = document.createElement('a')
    link.href = url
    link.download = boardFileName(title)
    link.click()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }
  const discard = () => {
    setDiscarding(true)
    void connection.discardLocalCopy()
  }
  return (
    <>
      <button type="button" className="button button--small" onClick={download}>
        Download a copy
      </button>
      {confirming ? (
        <>
          <span className="refusal__question">Drop what the board did not take from this browser?</span>
          <button
            type="button"
            className="button button--small button--danger"
            onClick={discard}
            disabled={discarding}
          >
            {discarding ? 'Reloading…' : 'Drop and reload'}
          </button>
          <button type="button" className="button button--small" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </>
      ) : (
        <button type="button" className="button button--small" onClick={() => setConfirming(true)}>
          Carry on without it…
        </button>
      )}
    </>
  )
}
