import { messageQueryAwareness, type WebsocketProvider } from 'y-websocket'

interface AwarenessChanges {
  added: number[]
  updated: number[]
  removed: number[]
}

/**
 * Makes the provider send this client's own presence only. The stock provider sends every awareness
 * change it sees, other people's included, so with N people each cursor move went back to the server
 * N-1 times; the server also closes a socket that speaks for another client (`ForgedPresence`).
 */
export function sendOwnPresenceOnly(provider: WebsocketProvider): void {
  const { awareness } = provider
  const send = provider._awarenessUpdateHandler
  const mine = (clients: number[]) => clients.filter((client) => client === awareness.clientID)
  const sendOwn = ({ added, updated, removed }: AwarenessChanges, origin: unknown) => {
    const own = { added: mine(added), updated: mine(updated), removed: mine(removed) }
    // Its removal too: that is how the others learn at once that this person closed the board.
    if (own.added.length + own.updated.length + own.removed.length > 0) send(own, origin)
  }
  awareness.off('update', send)
  awareness.on('update', sendOwn)
  // `destroy()` unsubscribes the handler of this name.
  provider._awarenessUpdateHandler = sendOwn
  // The stock answer to "who is here?" lists everyone this client has heard of. This one is its own
  // presence, renewed: the server asks when that is about to lapse, because y-protocols renews it from
  // a timer, and a background tab's timers may sleep for a minute while a message still wakes it.
  provider.messageHandlers[messageQueryAwareness] = () => {
    const state = awareness.getLocalState()
    if (state !== null) awareness.setLocalState(state)
  }
}
