/** y-protocols message types, as the stock y-websocket provider speaks them. */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
} as const

export const SyncStep = {
  Step1: 0,
  Step2: 1,
  Update: 2,
} as const

/**
 * WebSocket close codes, named once for server and client. 1012 makes clients reconnect at once;
 * the 44xx codes mean "do not retry as you are".
 */
export const CloseCode = {
  Normal: 1000,
  /** Server restarting or stopping gracefully: reconnect. */
  ServiceRestart: 1012,
  /** A message over the configured size limit. */
  MessageTooBig: 1009,
  /** A frame that does not decode as y-protocols, or of an unknown type. */
  MalformedMessage: 4400,
  Unauthorized: 4401,
  Forbidden: 4403,
  NotFound: 4404,
  /** A client update that writes the server-owned `votes` map. */
  ForgedVotes: 4409,
  /** The server could not store an update; the client resyncs on reconnect. */
  StorageFailed: 4500,
} as const

/** Whether a client should reconnect after the server closed its socket with `code`. */
export function shouldReconnect(code: number): boolean {
  return !(
    code === CloseCode.Unauthorized ||
    code === CloseCode.Forbidden ||
    code === CloseCode.NotFound ||
    code === CloseCode.ForgedVotes
  )
}
