import { can, type Summon } from '@refinery/shared'
import { useEffect, useState } from 'react'
import { createUserId, useEditor, useValue } from 'tldraw'
import { api, errorMessage } from '../api/client'
import type { OpenBoard } from '../board/boardContext'
import type { BoardConnection } from '../sync/boardConnection'
import { watchSummons } from './summons'
import './summon.css'

/** How long the leader's button says it worked. */
const SENT_MS = 2500

/**
 * "Bring everyone here" for owners and editors, and for everyone the following it causes: a summon
 * made while this person has the board open starts tldraw's follow of the summoner, which tldraw
 * itself ends as soon as the follower pans or zooms; the toast shows while it lasts.
 */
export function SummonLayer({ open, connection }: { open: OpenBoard; connection: BoardConnection }) {
  const editor = useEditor()
  const [followed, setFollowed] = useState<Summon | null>(null)
  const me = open.me.id

  useEffect(
    () =>
      watchSummons(connection.doc, { me, hasSynced: () => connection.$state.get().everSynced }, (summon) => {
        // Presence carries the account id as the tldraw user id (see sync/presence.ts).
        editor.startFollowingUser(createUserId(summon.by))
        setFollowed(summon)
      }),
    [editor, connection, me],
  )
  const following = useValue('following user', () => editor.getInstanceState().followingUserId, [editor])
  const leading = followed && following === createUserId(followed.by) ? followed : null

  return (
    <>
      {can(open.board.role, 'board:edit') && <SummonButton boardId={open.board.id} />}
      {leading && (
        <output className="summon-toast" data-testid="summon-toast">
          Following {leading.byName || 'a facilitator'} — move the canvas to stop
        </output>
      )}
    </>
  )
}

function SummonButton({ boardId }: { boardId: string }) {
  const [state, setState] = useState<'idle' | 'sending' | 'sent'>('idle')
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    if (state !== 'sent') return
    const timer = setTimeout(() => setState('idle'), SENT_MS)
    return () => clearTimeout(timer)
  }, [state])

  const summon = async () => {
    setState('sending')
    setError(null)
    try {
      await api.summon(boardId)
      setState('sent')
    } catch (caught) {
      setState('idle')
      setError(errorMessage(caught, 'Could not bring everyone here. Try again.'))
    }
  }

  return (
    <div className="summon">
      <button
        type="button"
        className="button button--small summon__button"
        onClick={summon}
        disabled={state === 'sending'}
        data-testid="summon"
        title="Everyone who has the board open follows your view until they move theirs"
      >
        {state === 'sent' ? 'Everyone follows you' : 'Bring everyone here'}
      </button>
      {error && (
        <p className="summon__error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}
