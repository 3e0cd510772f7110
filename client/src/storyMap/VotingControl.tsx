import { useState } from 'react'
import { useEditor, useValue } from 'tldraw'
import { ApiError, api } from '../api/client'
import { hiddenVotingOf } from './hiddenVoting'

/** The owner's switch for hidden voting: hide everyone's dots, then reveal them all at once. */
export function VotingControl({ boardId }: { boardId: string }) {
  const editor = useEditor()
  const hidden = useValue('voting hidden', () => hiddenVotingOf(editor).get(), [editor])
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const toggle = () => {
    setBusy(true)
    setFailure(null)
    api
      .setVotingHidden(boardId, !hidden)
      .catch((error: unknown) =>
        setFailure(error instanceof ApiError ? error.message : 'That did not reach the server. Try again.'),
      )
      .finally(() => setBusy(false))
  }
  return (
    <>
      <button
        type="button"
        className="button button--small"
        disabled={busy}
        onClick={toggle}
        title={
          hidden
            ? 'Show everyone’s dots, all at once'
            : 'Each person sees only their own dots until you reveal them'
        }
        data-testid={hidden ? 'reveal-votes' : 'hide-votes'}
      >
        {hidden ? 'Reveal votes' : 'Hide votes'}
      </button>
      {failure && (
        <span className="notice notice--error" role="alert">
          {failure}
        </span>
      )}
    </>
  )
}
