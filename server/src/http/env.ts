import type { IncomingMessage } from 'node:http'
import type { Role } from '@refinery/shared'
import type { Session, User } from '../auth/sessions'

/** What every request carries through the Hono app. */
export interface AppEnv {
  Bindings: { incoming: IncomingMessage }
  Variables: {
    requestId: string
    user: User | null
    session: Session | null
    /** Set by `boardAccess`: the board the route is about, and the caller's role on it. */
    board: { id: string; role: Role }
  }
}
