import { INVITE_ROLES, type InviteRole, type InviteView } from '@refinery/shared'
import { useCallback, useEffect, useState } from 'react'
import { api } from '../api/client'
import { formatDate } from '../app/formatDate'
import './invites.css'
import { ROLE_NAMES } from './roleNames'

const ROLE_HINTS: Record<InviteRole, string> = {
  editor: 'edits the board and votes',
  voter: 'sees the board and votes',
  viewer: 'sees the board',
}

/**
 * The owner's invite links: every open one with its role, URL, copy and revoke, and one explicit
 * action that makes a new one. Opening the dialog only lists; links never pile up by themselves.
 */
export function InviteLinks({ boardId, onError }: { boardId: string; onError: (error: unknown) => void }) {
  const [invites, setInvites] = useState<InviteView[] | null>(null)
  const [role, setRole] = useState<InviteRole>('editor')

  const reload = useCallback(async () => {
    try {
      setInvites((await api.invites(boardId)).invites)
    } catch (caught) {
      onError(caught)
    }
  }, [boardId, onError])

  useEffect(() => {
    void reload()
  }, [reload])

  const act = async (action: () => Promise<unknown>) => {
    try {
      await action()
    } catch (caught) {
      onError(caught)
    }
    await reload()
  }

  return (
    <section className="share__section">
      <h3>Invite people</h3>
      <p className="muted">
        Anyone with a link joins with its role; people without an account just type their name. Links work for
        a week unless you revoke them.
      </p>
      <div className="field-row">
        <select
          className="field"
          value={role}
          onChange={(event) => setRole(event.target.value as InviteRole)}
          data-testid="invite-role"
          aria-label="Role for the new link"
        >
          {INVITE_ROLES.map((option) => (
            <option key={option} value={option}>
              {ROLE_NAMES[option]}: {ROLE_HINTS[option]}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button button--primary"
          data-testid="create-invite"
          onClick={() => act(() => api.createInvite(boardId, role))}
        >
          New link for {ROLE_NAMES[role].toLowerCase()}s
        </button>
      </div>
      {invites === null ? (
        <p className="muted">Loading…</p>
      ) : invites.length === 0 ? (
        <p className="muted" data-testid="no-invites">
          No open links.
        </p>
      ) : (
        <ul className="share__list" data-testid="open-invites">
          {invites.map((invite) => (
            <InviteLinkRow
              key={invite.id}
              invite={invite}
              revoke={() => act(() => api.revokeInvite(boardId, invite.id))}
            />
          ))}
        </ul>
      )}
    </section>
  )
}

function InviteLinkRow({ invite, revoke }: { invite: InviteView; revoke: () => void }) {
  const [copied, setCopied] = useState(false)
  const name = ROLE_NAMES[invite.role]
  const url = invite.url
  const copy = (url: string) => {
    navigator.clipboard?.writeText(url).then(
      () => setCopied(true),
      () => setCopied(false),
    )
  }
  return (
    <li className="invite-link" data-testid="invite-link" data-invite-id={invite.id} data-role={invite.role}>
      <div className="invite-link__meta">
        <strong>{name} link</strong>
        <span className="muted" data-testid="invite-expiry">
          expires {formatDate(invite.expiresAt)}
        </span>
        <button type="button" className="button button--small" onClick={revoke} data-testid="revoke-invite">
          Revoke
        </button>
      </div>
      {url === null ? (
        <span className="muted">
          Made before links could be shown again: revoke it and make a new one to copy.
        </span>
      ) : (
        <div className="invite-link__url">
          <input
            className="field"
            readOnly
            value={url}
            aria-label={`${name} link`}
            data-testid="invite-url"
            onFocus={(event) => event.target.select()}
          />
          {navigator.clipboard && (
            <button
              type="button"
              className="button button--small"
              onClick={() => copy(url)}
              data-testid="copy-invite"
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          )}
        </div>
      )}
    </li>
  )
}
