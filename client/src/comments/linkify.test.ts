import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { linkify } from './linkify'

describe('linkify', () => {
  it('makes http and https addresses links, leaving the sentence’s punctuation outside', () => {
    expect(linkify('See https://jira.example.com/browse/SHOP-12. Then ask.')).toEqual([
      { kind: 'text', text: 'See ' },
      {
        kind: 'link',
        text: 'https://jira.example.com/browse/SHOP-12',
        href: 'https://jira.example.com/browse/SHOP-12',
      },
      { kind: 'text', text: '. Then ask.' },
    ])
  })

  it('never links another scheme', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<b>x</b>',
      'ftp://example.com',
      '<a href="x">y</a>',
    ]) {
      expect(linkify(text).every((part) => part.kind === 'text')).toBe(true)
    }
  })

  it('keeps every character, in order, and links only http(s) addresses', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.webUrl(), fc.constantFrom(' ', '.', 'javascript:x', '\n'))),
        (pieces) => {
          const text = pieces.join('')
          const parts = linkify(text)
          expect(parts.map((part) => part.text).join('')).toBe(text)
          for (const part of parts) {
            if (part.kind === 'link') expect(part.href).toMatch(/^https?:\/\//)
          }
        },
      ),
    )
  })
})
