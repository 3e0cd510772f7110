import { BOARD_LIMITS, countAsWritten } from '@refinery/shared'

/** Shown beside a text field that was held to `BOARD_LIMITS.fieldChars`. */
export const TEXT_TOO_LONG = `This text is too long (at most ${countAsWritten(BOARD_LIMITS.fieldChars)} characters).`

/** Shown beside a list field (criteria, labels) that holds `BOARD_LIMITS.listEntries` entries. */
export const LIST_FULL = `This list is full (at most ${countAsWritten(BOARD_LIMITS.listEntries)} entries).`

export interface CappedText {
  text: string
  /** Whether some of what was typed or pasted was left out. */
  cut: boolean
  /** Where the caret goes after a cut: just after what was kept of the typing. */
  caret: number
}

/**
 * The text a field keeps when an edit turned `before` into `after`, held to `limit` characters
 * (UTF-16 units, as `Y.Text` and the server count them). As the browser's `maxlength` does, the typed
 * or pasted part is cut and the text around it is kept, so a paste in the middle does not eat the end.
 */
export function capText(before: string, after: string, limit: number = BOARD_LIMITS.fieldChars): CappedText {
  if (after.length <= limit) return { text: after, cut: false, caret: after.length }
  const shortest = Math.min(before.length, after.length)
  let start = 0
  while (start < shortest && before[start] === after[start]) start++
  if (isHighSurrogate(after.charCodeAt(start - 1))) start--
  let end = 0
  while (end < shortest - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++
  if (isLowSurrogate(after.charCodeAt(after.length - end))) end--
  const head = after.slice(0, start)
  const tail = after.slice(after.length - end)
  const room = limit - head.length - tail.length
  if (room < 0) {
    // The text around the edit is over the limit already (an older client wrote it): its end goes.
    const text = sliceWhole(head + tail, limit)
    return { text, cut: true, caret: Math.min(start, text.length) }
  }
  const kept = sliceWhole(after.slice(start, after.length - end), room)
  return { text: head + kept + tail, cut: true, caret: start + kept.length }
}

/** The list held to `limit` entries, the first ones kept. */
export function capList<Entry>(
  entries: readonly Entry[],
  limit: number = BOARD_LIMITS.listEntries,
): { entries: Entry[]; cut: boolean } {
  return { entries: entries.slice(0, limit), cut: entries.length > limit }
}

/** The first `length` units of `text`, one fewer if the last would split a pair (an emoji, say). */
function sliceWhole(text: string, length: number): string {
  return text.slice(0, isHighSurrogate(text.charCodeAt(length - 1)) ? length - 1 : length)
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}
