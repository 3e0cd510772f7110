import {
  computed,
  createPresenceStateDerivation,
  createUserId,
  InstancePresenceRecordType,
  react,
  type Signal,
  type TLInstancePresence,
  type TLStore,
  type TldrawOptions,
  throttle,
  UserRecordType,
} from 'tldraw'
import type { Awareness } from 'y-protocols/awareness'

/** Who someone is, as the awareness `user` field carries it; the server stamps `id` and `name`. */
export interface PresenceUser {
  id: string
  name: string
  color: string
}

interface AwarenessChanges {
  added: number[]
  updated: number[]
  removed: number[]
}

/** How often, at most, the local cursor and selection go out: smooth enough, and light on the wire. */
const PUBLISH_INTERVAL_MS = 50

/**
 * tldraw hides a collaborator whose last activity is over a minute old, from the people menu and the
 * canvas alike, and the menu goes when nobody is left in it. Here presence lasts as long as its
 * socket: the server removes it when the socket closes or stops answering its heartbeat, so someone
 * who sits and watches stays listed.
 */
export const PRESENCE_OPTIONS: Partial<TldrawOptions> = {
  collaboratorInactiveTimeoutMs: Number.POSITIVE_INFINITY,
}

type Fields = Record<string, unknown>

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function presenceId(clientId: number): TLInstancePresence['id'] {
  return InstancePresenceRecordType.createId(String(clientId))
}

/**
 * Shares presence through Yjs awareness: publishes `{ user, presence }` for the local user, and keeps
 * an `instance_presence` record in the store for everyone else, named and coloured from their `user`
 * field, so tldraw draws their cursors and selections. Returns the function that stops it.
 */
export function bindPresence(store: TLStore, awareness: Awareness, $user: Signal<PresenceUser>): () => void {
  const $tldrawUser = computed('presence user', () => {
    const { id, name, color } = $user.get()
    return UserRecordType.create({ id: createUserId(id), name, color })
  })
  const $presence = createPresenceStateDerivation($tldrawUser)(store)
  const schedule = throttle((publish: () => void) => publish(), PUBLISH_INTERVAL_MS)
  const stopPublishing = react(
    'publish presence',
    () => awareness.setLocalState({ user: $user.get(), presence: $presence.get() }),
    { scheduleEffect: schedule },
  )

  const mirror = ({ added, updated, removed }: AwarenessChanges) => {
    const toPut: TLInstancePresence[] = []
    const toRemove = removed.map(presenceId)
    for (const clientId of [...added, ...updated]) {
      if (clientId === awareness.clientID) continue
      const record = presenceRecord(store, clientId, awareness.getStates().get(clientId))
      if (record) toPut.push(record)
      else toRemove.push(presenceId(clientId))
    }
    const gone = toRemove.filter((id) => store.has(id))
    if (toPut.length === 0 && gone.length === 0) return
    store.mergeRemoteChanges(() => {
      if (gone.length > 0) store.remove(gone)
      if (toPut.length > 0) store.put(toPut)
    })
  }
  awareness.on('change', mirror)
  mirror({ added: [...awareness.getStates().keys()], updated: [], removed: [] })

  return () => {
    stopPublishing()
    schedule.cancel()
    awareness.off('change', mirror)
    awareness.setLocalState(null)
    const mirrored = store.query.ids('instance_presence').get()
    if (mirrored.size > 0) store.mergeRemoteChanges(() => store.remove([...mirrored]))
  }
}

/**
 * The presence record for a remote awareness state, or null if it has none or it does not validate.
 * Called when that state changes (awareness renewals of an unchanged state are no change), so its
 * `lastActivityTimestamp` is now, on this browser's clock. The sender stamps it by its own clock,
 * which may be minutes off: tldraw would hide a person whose clock is slow, and when one person has
 * the board open on two computers, it shows and follows the one whose clock is fast, however long
 * ago they left it.
 */
function presenceRecord(store: TLStore, clientId: number, state: unknown): TLInstancePresence | null {
  if (!isFields(state) || !isFields(state.presence) || !isFields(state.user)) return null
  const { user, presence } = state
  const record = {
    ...presence,
    id: presenceId(clientId),
    typeName: 'instance_presence',
    userId: typeof user.id === 'string' ? createUserId(user.id) : user.id,
    userName: user.name,
    color: user.color ?? presence.color,
    lastActivityTimestamp: Date.now(),
  }
  try {
    const before = store.get(record.id) ?? null
    const phase = before ? 'updateRecord' : 'createRecord'
    return store.schema.validateRecord(
      store,
      record as TLInstancePresence,
      phase,
      before,
    ) as TLInstancePresence
  } catch (error) {
    console.warn(
      `Refinery: skipped the presence of awareness client ${clientId}, which does not validate`,
      error,
    )
    return null
  }
}
