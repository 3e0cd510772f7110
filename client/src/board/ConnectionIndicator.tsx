import { useValue } from 'tldraw'
import type { BoardConnection } from '../sync/boardConnection'
import { type ConnectionStatus, connectionStatus, refusalMessage } from '../sync/connectionState'

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
  return (
    <div
      className={`connection connection--${status}`}
      role="status"
      data-testid="connection-status"
      data-status={status}
      title={EXPLANATIONS[status]}
    >
      <span className="connection__dot" aria-hidden="true" />
      {firstAttempt ? 'Connecting…' : LABELS[status]}
    </div>
  )
}

/** Why the server refused the board, when it did: retrying will not help, so it says so plainly. */
export function RefusalNotice({ connection }: { connection: BoardConnection }) {
  const refusal = useValue('refusal', () => connection.$state.get().refusal, [connection])
  if (refusal === null) return null
  return (
    <div className="notice notice--error" role="alert" data-testid="connection-error">
      {refusalMessage(refusal)} Your changes stay in this browser.
    </div>
  )
}
