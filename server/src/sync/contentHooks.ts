import type * as Y from 'yjs'

/** One board's document as a hook uses it. */
export interface BoardDocument {
  readonly boardId: string
  read<T>(read: (doc: Y.Doc) => T): Promise<T>
  /** Changes the document on the server's behalf: stored and relayed like any other change. */
  change<T>(change: (doc: Y.Doc) => T): Promise<T>
}

/**
 * Work on what boards' documents take in, done beside the sync core (moving images out of them,
 * issue 15). It plugs in as storage and the relay do: the core calls it and knows nothing of what
 * it does. A hook that fails is logged; the board goes on.
 */
export interface ContentHooks {
  /**
   * A board was loaded from storage; `content` is what storage held (snapshot and log). Its clients
   * are greeted once the promise settles, so they see what the hook changed from the start.
   */
  loaded(board: BoardDocument, content: readonly Uint8Array[]): Promise<void>
  /**
   * A client's update was applied to the board. The work it starts, if any, goes on beside the
   * sync (the update is relayed meanwhile), and a graceful stop waits for it.
   */
  updated(board: BoardDocument, update: Uint8Array): Promise<void> | undefined
}
