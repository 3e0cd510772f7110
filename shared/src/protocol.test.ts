import { describe, expect, it } from 'vitest'
import { CloseCode, shouldReconnect } from './protocol'

describe('shouldReconnect', () => {
  it('reconnects after a drop, a restart, a storage failure or a resync request', () => {
    for (const code of [
      1006,
      CloseCode.Normal,
      CloseCode.ServiceRestart,
      CloseCode.StorageFailed,
      CloseCode.Resync,
    ]) {
      expect(shouldReconnect(code), `code ${code}`).toBe(true)
    }
  })

  it('stops when access is refused, since retrying cannot change the answer', () => {
    for (const code of [CloseCode.Unauthorized, CloseCode.Forbidden, CloseCode.NotFound]) {
      expect(shouldReconnect(code), `code ${code}`).toBe(false)
    }
  })

  it('stops when a change or a presence from this client was refused, since reconnecting would send it again', () => {
    for (const code of [
      CloseCode.MessageTooBig,
      CloseCode.ServerOwnedWrite,
      CloseCode.TooLarge,
      CloseCode.UnappliableUpdate,
      CloseCode.LockedShape,
      CloseCode.ForgedPresence,
    ]) {
      expect(shouldReconnect(code), `code ${code}`).toBe(false)
    }
  })
})
