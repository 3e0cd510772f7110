/** A piece of a comment's text: plain, or a web link found in it. */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string }

const LINK = /\bhttps?:\/\/[^\s<>"']+/gi
/** Punctuation that ends a sentence rather than the link ("see https://x.org/a."). */
const TRAILING = /[.,;:!?)\]}]+$/

/**
 * Splits plain text into text and http(s) links, for the page to render as text nodes and anchors:
 * nothing in a comment is ever read as HTML, and no other scheme (`javascript:`, `data:`) becomes a link.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of text.matchAll(LINK)) {
    const raw = match[0]
    const link = raw.replace(TRAILING, '')
    const start = match.index ?? 0
    let href: string
    try {
      href = new URL(link).href
    } catch {
      continue
    }
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) })
    parts.push({ kind: 'link', text: link, href })
    last = start + link.length
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) })
  return parts
}
