import { CloseCode } from '@refinery/shared'
import { describe, expect, it } from 'vitest'
import {
  type ConnectionState,
  connectionStatus,
  initialConnectionState,
  isReadyToShow,
  refusalMessage,
  refusalRemedy,
} from './connectionState'

function state(changes: Partial<ConnectionState>): ConnectionState {
  return { ...initialConnectionState(true), ...changes }
}

describe('connectionStatus', () => {
  it('is connected only once the server has synced the board', () => {
    expect(connectionStatus(state({}))).toBe('reconnecting')
    expect(connectionStatus(state({ synced: true }))).toBe('connected')
  })

  it('is offline when the browser is, or when the server refused the board', () => {
    expect(connectionStatus(state({ synced: true, online: false }))).toBe('offline')
    expect(connectionStatus(state({ refusal: CloseCode.NotFound }))).toBe('offline')
  })

  it('is reconnecting after the connection dropped', () => {
    expect(connectionStatus(state({ everSynced: true, attemptFailed: true }))).toBe('reconnecting')
  })
})

describe('isReadyToShow', () => {
  it('waits for the offline copy', () => {
    expect(isReadyToShow(state({ synced: true, everSynced: true }))).toBe(false)
  })

  it('shows an offline copy with records at once', () => {
    expect(isReadyToShow(state({ localCopy: 'loaded' }))).toBe(true)
  })

  it('waits for the server when the offline copy is empty', () => {
    expect(isReadyToShow(state({ localCopy: 'empty' }))).toBe(false)
    expect(isReadyToShow(state({ localCopy: 'empty', everSynced: true }))).toBe(true)
  })

  it('stops waiting when there is no server to wait for', () => {
    expect(isReadyToShow(state({ localCopy: 'empty', attemptFailed: true }))).toBe(true)
    expect(isReadyToShow(state({ localCopy: 'empty', online: false }))).toBe(true)
    expect(isReadyToShow(state({ localCopy: 'empty', refusal: CloseCode.Forbidden }))).toBe(true)
  })
})

describe('refusalMessage', () => {
  it('says why the board cannot be opened', () => {
    expect(refusalMessage(CloseCode.NotFound)).toMatch(/does not exist/)
    expect(refusalMessage(CloseCode.Unauthorized)).toMatch(/Sign in/)
    expect(refusalMessage(4999)).toMatch(/code 4999/)
  })

  it('says in plain words which change the server did not keep', () => {
    expect(refusalMessage(CloseCode.TooLarge)).toBe(
      'A change from this browser is too large for the board (such as a text over 10,000 characters), so the server did not keep it.',
    )
    expect(refusalMessage(CloseCode.MessageTooBig)).toMatch(/too big to send to the board.*did not keep it/)
    expect(refusalMessage(CloseCode.UnappliableUpdate)).toMatch(/could not take in a change.*did not keep it/)
  })

  it('says that a refused presence is fixed by a reload', () => {
    expect(refusalMessage(CloseCode.ForgedPresence)).toMatch(/other people’s cursors.*Reload the page/)
  })

  it('names no close code for the codes it explains', () => {
    for (const code of [
      CloseCode.MessageTooBig,
      CloseCode.ServerOwnedWrite,
      CloseCode.TooLarge,
      CloseCode.UnappliableUpdate,
      CloseCode.LockedShape,
      CloseCode.ForgedPresence,
    ]) {
      expect(refusalMessage(code), `code ${code}`).not.toMatch(/code \d+/)
    }
  })
})

describe('refusalRemedy', () => {
  it('offers to keep a copy and drop the change for every refused change, and only for those', () => {
    for (const code of [
      CloseCode.TooLarge,
      CloseCode.MessageTooBig,
      CloseCode.UnappliableUpdate,
      CloseCode.ServerOwnedWrite,
    ]) {
      expect(refusalRemedy(code)).toBe('recover')
    }
    expect(refusalRemedy(CloseCode.Unauthorized)).toBe('sign-in')
    expect(refusalRemedy(CloseCode.NotFound)).toBe('your-boards')
    expect(refusalRemedy(CloseCode.Forbidden)).toBe('your-boards')
    expect(refusalRemedy(CloseCode.ForgedPresence)).toBe('reload')
    expect(refusalRemedy(4999)).toBe('reload')
  })

  it('puts the board back as the server holds it when a change raced a lock, and says the facilitator locked it', () => {
    expect(refusalRemedy(CloseCode.LockedShape)).toBe('restore')
    expect(refusalMessage(CloseCode.LockedShape)).toMatch(/facilitator locked/)
  })
})
