import { can } from '@refinery/shared'
import { type FormEvent, type RefObject, useEffect, useLayoutEffect, useRef, useState } from 'react'
import { EditorPortal, useContainer } from 'tldraw'
import { api, errorMessage } from '../api/client'
import type { OpenBoard } from '../board/boardContext'
import type { BoardConnection } from '../sync/boardConnection'
import { armChime } from './chime'
import { formatCountdown, parseDuration } from './countdown'
import { serverClock, useBoardTimer } from './useBoardTimer'
import './timer.css'

const PRESET_MINUTES = [1, 3, 5, 10] as const
const PANEL_WIDTH = 320
/** The panel keeps this far from the editor's edges, and from the timer it opens under. */
const PANEL_MARGIN = 8

interface BoardTimerProps {
  open: OpenBoard
  connection: BoardConnection
}

/**
 * The board's shared countdown in the header: everyone sees what is left; owners and editors open a
 * small panel below the header to start, extend and stop it.
 */
export function BoardTimer({ open, connection }: BoardTimerProps) {
  const boardId = open.board.id
  const canRun = can(open.board.role, 'board:edit')
  const { timer, phase } = useBoardTimer(boardId, connection)
  const [panelOpen, setPanelOpen] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  const toggle = useRef<HTMLButtonElement>(null)
  const panel = useRef<HTMLDivElement>(null)

  useEffect(() => armChime(), [])
  useEffect(() => {
    if (!panelOpen) return
    const closeOutside = (event: PointerEvent) => {
      const target = event.target as Node
      if (!root.current?.contains(target) && !panel.current?.contains(target)) setPanelOpen(false)
    }
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setPanelOpen(false)
    }
    window.addEventListener('pointerdown', closeOutside, true)
    window.addEventListener('keydown', closeOnEscape)
    return () => {
      window.removeEventListener('pointerdown', closeOutside, true)
      window.removeEventListener('keydown', closeOnEscape)
    }
  }, [panelOpen])

  if (phase.kind === 'idle' && !canRun) return null

  const label =
    phase.kind === 'running'
      ? formatCountdown(phase.secondsLeft)
      : phase.kind === 'up'
        ? 'Time’s up'
        : 'Timer'
  const face = (
    <>
      <ClockIcon />
      <span className="timer__time" data-testid="timer-display" role="timer">
        {label}
      </span>
    </>
  )
  const title =
    timer && phase.kind !== 'idle' && timer.startedByName
      ? `Timer started by ${timer.startedByName}`
      : undefined

  return (
    <div className={`timer timer--${phase.kind}`} ref={root} data-testid="timer" data-phase={phase.kind}>
      {canRun ? (
        <button
          ref={toggle}
          type="button"
          className="timer__face"
          data-testid="timer-toggle"
          aria-expanded={panelOpen}
          aria-haspopup="dialog"
          title={title ?? 'Start a timer everyone sees'}
          onClick={() => setPanelOpen((wasOpen) => !wasOpen)}
        >
          {face}
        </button>
      ) : (
        <span className="timer__face" title={title}>
          {face}
        </span>
      )}
      {canRun && panelOpen && (
        <TimerPanel
          boardId={boardId}
          running={phase.kind !== 'idle'}
          anchor={toggle}
          panel={panel}
          onDone={() => setPanelOpen(false)}
        />
      )}
    </div>
  )
}

interface TimerPanelProps {
  boardId: string
  running: boolean
  /** The timer button the panel opens under. */
  anchor: RefObject<HTMLElement | null>
  panel: RefObject<HTMLDivElement | null>
  onDone: () => void
}

/**
 * Where the panel goes in the editor's container: under the timer, right edges aligned, but never
 * past the container's edges (on a phone the timer hangs mid-screen below the header).
 */
function usePanelPlace(anchor: RefObject<HTMLElement | null>) {
  const container = useContainer()
  const [place, setPlace] = useState<{ top: number; left: number; width: number } | null>(null)
  useLayoutEffect(() => {
    const update = () => {
      const button = anchor.current?.getBoundingClientRect()
      if (!button) return
      const bounds = container.getBoundingClientRect()
      const width = Math.min(PANEL_WIDTH, bounds.width - 2 * PANEL_MARGIN)
      const right = Math.min(button.right, bounds.right - PANEL_MARGIN)
      const left = Math.max(bounds.left + PANEL_MARGIN, right - width)
      setPlace({ top: button.bottom - bounds.top + PANEL_MARGIN, left: left - bounds.left, width })
    }
    update()
    window.addEventListener('resize', update)
    return () => window.removeEventListener('resize', update)
  }, [anchor, container])
  return place
}

function TimerPanel({ boardId, running, anchor, panel, onDone }: TimerPanelProps) {
  const place = usePanelPlace(anchor)
  const [typed, setTyped] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const run = async (call: () => Promise<{ serverNow: number }>) => {
    setBusy(true)
    setError(null)
    try {
      await serverClock.measure(call)
      onDone()
    } catch (failure) {
      setError(errorMessage(failure, 'The timer could not be changed. Try again.'))
    } finally {
      setBusy(false)
    }
  }
  const startTyped = (event: FormEvent) => {
    event.preventDefault()
    const seconds = parseDuration(typed)
    if (seconds === null)
      setError('Type minutes (5), minutes and seconds (1:30) or seconds (90s), up to 2 hours')
    else void run(() => api.startTimer(boardId, seconds))
  }

  if (!place) return null
  return (
    <EditorPortal>
      <div
        ref={panel}
        className="timer__panel"
        style={place}
        role="dialog"
        aria-label="Timer"
        data-testid="timer-panel"
      >
        <div className="timer__presets">
          {PRESET_MINUTES.map((minutes) => (
            <button
              key={minutes}
              type="button"
              className="button button--small"
              data-testid={`timer-start-${minutes}`}
              disabled={busy}
              onClick={() => void run(() => api.startTimer(boardId, minutes * 60))}
            >
              {minutes} min
            </button>
          ))}
        </div>
        <form className="timer__typed" onSubmit={startTyped}>
          <input
            aria-label="Duration"
            className="field field--small"
            data-testid="timer-duration"
            inputMode="decimal"
            placeholder="Minutes, or 1:30"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
          />
          <button
            type="submit"
            className="button button--small button--primary"
            disabled={busy}
            data-testid="timer-start"
          >
            Start
          </button>
        </form>
        {running && (
          <div className="timer__running">
            <button
              type="button"
              className="button button--small"
              data-testid="timer-extend"
              disabled={busy}
              onClick={() => void run(() => api.extendTimer(boardId, 60))}
            >
              +1 min
            </button>
            <button
              type="button"
              className="button button--small button--danger"
              data-testid="timer-stop"
              disabled={busy}
              onClick={() => void run(() => api.stopTimer(boardId))}
            >
              Stop
            </button>
          </div>
        )}
        {error && (
          <p className="timer__error" role="alert">
            {error}
          </p>
        )}
      </div>
    </EditorPortal>
  )
}

function ClockIcon() {
  return (
    <svg className="timer__icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
      <circle cx="8" cy="9" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path
        d="M8 6.5V9l1.75 1.25M6.5 1.75h3"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
      />
    </svg>
  )
}
