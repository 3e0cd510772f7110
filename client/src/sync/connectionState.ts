import { BOARD_LIMITS, CloseCode, countAsWritten } from '@refinery/shared'

/** What the connection indicator shows; the values are also its `data-status`, for the end-to-end tests. */
export type ConnectionStatus = 'connected' | 'reconnecting' | 'offline'

export interface ConnectionState {
  /** The offline copy in IndexedDB: not read yet, read and empty, or read with records in it. */
  localCopy: 'loading' | 'empty' | 'loaded'
  /** The socket is open and has exchanged the document with the server. */
  synced: boolean
  /** The document has been exchanged with the server at least once since the page opened. */
  everSynced: boolean
  /** A connection attempt has failed or dropped since the page opened. */
  attemptFailed: boolean
  /** The browser's own view of the network (`navigator.onLine`). */
  online: boolean
  /** The close code with which the server refused this board for good, if it did. */
  refusal: number | null
  /** This page changed the board while it was not connected: work the server may not hold yet. */
  offlineWork: boolean
}

export function initialConnectionState(online: boolean): ConnectionState {
  return {
    localCopy: 'loading',
    synced: false,
    everSynced: false,
    attemptFailed: false,
    online,
    refusal: null,
    offlineWork: false,
  }
}

export function connectionStatus(state: ConnectionState): ConnectionStatus {
  if (!state.online || state.refusal !== null) return 'offline'
  return state.synced ? 'connected' : 'reconnecting'
}

/**
 * Whether the board can be shown. The offline copy comes first; then, if it held nothing, the board
 * waits for the server's copy unless there is no server to wait for, because seeding an empty board
 * that the server has filled would add a second first page.
 */
export function isReadyToShow(state: ConnectionState): boolean {
  if (state.localCopy === 'loading') return false
  return (
    state.localCopy === 'loaded' ||
    state.everSynced ||
    state.attemptFailed ||
    !state.online ||
    state.refusal !== null
  )
}

const FIELD_CHARS = countAsWritten(BOARD_LIMITS.fieldChars)

/**
 * What to tell someone whose board the server refused, by close code. `Resync` is not here: it
 * reconnects, and the indicator says so.
 */
export function refusalMessage(code: number): string {
  switch (code) {
    case CloseCode.Unauthorized:
      return 'Sign in to work on this board.'
    case CloseCode.Forbidden:
      return 'You do not have access to this board.'
    case CloseCode.NotFound:
      return 'This board does not exist, or it was deleted.'
    case CloseCode.ServerOwnedWrite:
      return 'The server refused a change from this browser (to votes or a facilitator’s setting), so it did not keep it.'
    case CloseCode.TooLarge:
      return `A change from this browser is too large for the board (such as a text over ${FIELD_CHARS} characters), so the server did not keep it.`
    case CloseCode.MessageTooBig:
      return 'A change from this browser is too big to send to the board (such as a very large paste), so the server did not keep it.'
    case CloseCode.UnappliableUpdate:
      return 'The board could not take in a change from this browser, so the server did not keep it.'
    case CloseCode.LockedShape:
      return 'The facilitator locked what you changed, so the server did not keep your change.'
    case CloseCode.ForgedPresence:
      return 'The server stopped this connection because this browser sent other people’s cursors as well as yours. Reload the page to carry on.'
    default:
      return `The server closed the connection to this board (code ${code}).`
  }
}

/**
 * What someone can do about a refusal. `recover`: the refused change sits in this browser's copy of
 * the board and would be sent again on every reload, so they keep a copy of their work and drop what
 * the server did not take. `restore`: the same, but the refused change is a race with a lock, which
 * nobody needs to keep, so the board is put back as the server holds it at once (see `RefusalNotice`).
 */
export type RefusalRemedy = 'sign-in' | 'your-boards' | 'recover' | 'restore' | 'reload'

export function refusalRemedy(code: number): RefusalRemedy {
  switch (code) {
    case CloseCode.Unauthorized:
      return 'sign-in'
    case CloseCode.Forbidden:
    case CloseCode.NotFound:
      return 'your-boards'
    case CloseCode.ServerOwnedWrite:
    case CloseCode.TooLarge:
    case CloseCode.MessageTooBig:
    case CloseCode.UnappliableUpdate:
      return 'recover'
    case CloseCode.LockedShape:
      return 'restore'
    default:
      return 'reload'
  }
}
