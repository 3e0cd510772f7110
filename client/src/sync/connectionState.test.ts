import { CloseCode } from '@refinery/shared'
import { describe, expect, it } from 'vitest'
import {
  type ConnectionState,
  connectionStatus,
  initialConnectionState,
  isReadyToShow,
  refusalMessage,
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
})
