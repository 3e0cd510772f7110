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
  /** A client update that writes a server-owned root (`votes`, `facilitation`, `poker`). */
  ServerOwnedWrite: 4409,
  /** A field or value over the limits of `BOARD_LIMITS`: the change is refused, not stored. */
  TooLarge: 4413,
  /** A change to a shape an owner locked, from anyone but an owner: refused, neither stored nor relayed. */
  LockedShape: 4423,
  /** An update that decodes but cannot be applied to the board: refused, neither stored nor relayed. */
  UnappliableUpdate: 4422,
  /**
   * An update that builds on changes the server does not hold (yet): refused; the client reconnects,
   * and the sync handshake sends what it depends on with it.
   */
  Resync: 4425,
  /** An awareness message about another client's presence, or larger than a presence needs. */
  ForgedPresence: 4430,
  /** The server could not store an update; the client resyncs on reconnect. */
  StorageFailed: 4500,
} as const

/**
 * Whether a client should reconnect after the server closed its socket with `code`. A message over the
 * server's size limit (1009) is final too: reconnecting sends the same change again, and would loop.
 */
export function shouldReconnect(code: number): boolean {
  return !(
    code === CloseCode.MessageTooBig ||
    code === CloseCode.Unauthorized ||
    code === CloseCode.Forbidden ||
    code === CloseCode.NotFound ||
    code === CloseCode.ServerOwnedWrite ||
    code === CloseCode.TooLarge ||
    code === CloseCode.UnappliableUpdate ||
    code === CloseCode.LockedShape ||
    code === CloseCode.ForgedPresence
  )
}

/**
 * What one board accepts from a client. Story-map text fields (`STORY_TEXT_FIELDS`) hold at most
 * `fieldChars` characters each (list fields: each entry, and at most `listEntries` entries); any other
 * single value at most `valueBytes` as JSON; one awareness state at most `presenceBytes`, and one
 * awareness message at most `presenceEntries` entries (the stock provider echoes others' presence).
 */
export const BOARD_LIMITS = {
  fieldChars: 10_000,
  listEntries: 200,
  valueBytes: 1024 * 1024,
  presenceBytes: 64 * 1024,
  presenceEntries: 1000,
} as const

/** The story-map fields people type into (CONTRACT section 5); `BOARD_LIMITS.fieldChars` caps each. */
export const STORY_TEXT_FIELDS: ReadonlySet<string> = new Set([
  'title',
  'asA',
  'iWant',
  'soThat',
  'acceptance',
  'labels',
  'description',
  'name',
])
