import { createHmac } from 'node:crypto'
import { randomToken } from '../auth/tokens'
import type { Sql } from '../storage/sql'

const SECRET_NAME = 'invite-links'

/**
 * The token of an invite link is the HMAC-SHA256 of the invite's id under a server secret, so the
 * server can show an owner a link's URL again whenever they open the share dialog, without the
 * `invites` table holding anything that opens a board: it keeps only the SHA-256 of the token, as it
 * did for the random tokens of links made before (which still work, but cannot be shown again).
 *
 * The secret is made once, at the first start that needs it, and kept in `server_secrets`, so every
 * instance and every restart derives the same tokens. A copy of the whole database (secret included)
 * therefore gives the open links, as it would give an owner's view; a leak of the invites table alone,
 * or of the rows in a log, gives nothing. Revoking one link stays one row's change.
 */
export class InviteTokens {
  private secret: Promise<string> | undefined

  constructor(private readonly sql: Sql) {}

  /** The token of the invite `inviteId`. */
  async tokenFor(inviteId: string): Promise<string> {
    const secret = await this.loadSecret()
    return createHmac('sha256', secret).update(inviteId).digest('base64url')
  }

  private loadSecret(): Promise<string> {
    this.secret ??= this.readOrCreate().catch((error) => {
      this.secret = undefined
      throw error
    })
    return this.secret
  }

  private async readOrCreate(): Promise<string> {
    // Two instances starting together both insert; the first one's secret is the one both read back.
    await this.sql.run(
      'INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
      [SECRET_NAME, randomToken(32), Date.now()],
    )
    const row = await this.sql.get<{ value: string }>('SELECT value FROM server_secrets WHERE name = ?', [
      SECRET_NAME,
    ])
    if (!row) throw new Error('the invite links secret was not stored')
    return row.value
  }
}
