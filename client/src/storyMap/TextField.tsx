import { mapPosition } from '@refinery/shared'
import {
  type ChangeEvent,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react'
import { useMaybeEditor } from 'tldraw'
import { textHistoryOf } from '../sync/textHistory'
import type { TextFieldAddress } from '../sync/yjsStoreBinding'
import { capText, TEXT_TOO_LONG } from './fieldLimits'

export type TextControl = HTMLInputElement | HTMLTextAreaElement

export interface TextFieldProps {
  value: string
  onChange: (text: string) => void
  /** A textarea of this many rows; without, a one-line input. */
  rows?: number
  id?: string
  /** The accessible name of a field without a visible label. */
  label?: string
  className?: string
  placeholder?: string
  controlRef?: RefObject<TextControl | null>
  onFocus?: () => void
  onBlur?: () => void
  onKeyDown?: (event: KeyboardEvent<TextControl>) => void
  /** Which text of the board this field edits: its undo and redo then take back only this person's typing. */
  field?: TextFieldAddress
}

/**
 * A story-map text field that never puts more than `BOARD_LIMITS.fieldChars` characters into the
 * board, which refuses a longer text by closing the socket: typing or pasting past the limit keeps the
 * text at the limit and says so beside the field. Someone else's typing arrives without moving the
 * caret or the selection off the text around them, and undo (Ctrl/⌘+Z, redo with Shift or Ctrl+Y)
 * takes back only this person's own typing in the field.
 */
export function TextField({
  value,
  onChange,
  rows,
  label,
  className = rows ? 'field field--area' : 'field',
  controlRef,
  field: address,
  onFocus,
  onKeyDown,
  ...rest
}: TextFieldProps) {
  const own = useRef<TextControl>(null)
  const control = controlRef ?? own
  const messageId = useId()
  const [tooLong, setTooLong] = useState(false)
  const editor = useMaybeEditor()
  useKeepCaret(control, value)
  const history = () => textHistoryOf(editor, address)
  const keyDown = (event: KeyboardEvent<TextControl>) => {
    const step = historyStep(event)
    if (step) {
      // The browser's own undo would replay this field's values, someone else's typing among them.
      event.preventDefault()
      event.stopPropagation()
      history()?.[step]()
      return
    }
    onKeyDown?.(event)
  }
  const focus = () => {
    // The history starts here, so that it holds all of this person's typing in the field.
    history()
    onFocus?.()
  }
  const change = (event: ChangeEvent<TextControl>) => {
    const capped = capText(value, event.target.value)
    setTooLong(capped.cut)
    onChange(capped.text)
    if (!capped.cut) return
    // React writes the kept text in after this handler, caret at the end: put it after the kept typing.
    requestAnimationFrame(() => {
      const field = control.current
      if (field?.value === capped.text) field.setSelectionRange(capped.caret, capped.caret)
    })
  }
  const field = {
    ...rest,
    ref: (node: TextControl | null) => {
      control.current = node
    },
    className,
    value,
    onChange: change,
    onFocus: focus,
    onKeyDown: keyDown,
    'aria-label': label,
    'aria-describedby': tooLong ? messageId : undefined,
  }
  return (
    <>
      {rows ? <textarea rows={rows} {...field} /> : <input {...field} />}
      {tooLong && <LimitMessage id={messageId}>{TEXT_TOO_LONG}</LimitMessage>}
    </>
  )
}

/** Undo or redo, by the keys people use for them, or null for any other key. */
function historyStep(event: KeyboardEvent<TextControl>): 'undo' | 'redo' | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null
  const key = event.key.toLowerCase()
  if (key === 'z') return event.shiftKey ? 'redo' : 'undo'
  if (key === 'y' && !event.shiftKey) return 'redo'
  return null
}

/**
 * Keeps the caret and the selection on the text they were in when the field's value changes under
 * them (someone else typed): React would put the caret at the end. The value this field sent itself
 * is already in the control, so there is nothing to move then.
 */
function useKeepCaret(control: RefObject<TextControl | null>, value: string): void {
  const shown = useRef(value)
  const selection = useRef<{ start: number; end: number } | null>(null)
  const field = control.current
  // During render the control still holds the text and selection from before the change.
  if (value !== shown.current && field && field.value === shown.current && document.activeElement === field) {
    const start = field.selectionStart ?? 0
    const end = field.selectionEnd ?? start
    selection.current = {
      start: mapPosition(shown.current, value, start),
      end:
        start === end
          ? mapPosition(shown.current, value, start)
          : mapPosition(shown.current, value, end, true),
    }
  }
  shown.current = value
  useLayoutEffect(() => {
    const moved = selection.current
    selection.current = null
    if (moved && control.current?.value === value) control.current.setSelectionRange(moved.start, moved.end)
  })
}

/** Why a field took less than was typed, or a list no more entries: announced as it appears. */
export function LimitMessage({ id, children }: { id?: string; children: ReactNode }) {
  return (
    <p id={id} className="field-error story-map-panel__limit" role="alert" data-testid="field-limit">
      {children}
    </p>
  )
}
