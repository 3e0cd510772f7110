/**
 * SVG images made safe to store and serve: parsed as XML (anything not well-formed is refused), then
 * written out again with only what draws. Kept: the SVG elements of `DRAWING_ELEMENTS` in the SVG
 * namespace, their attributes except event handlers (`on*`), links only to `#fragments` and to raster
 * `data:image/` URLs, styles that load nothing. Dropped with everything inside them: scripts,
 * `foreignObject` (HTML), `iframe`/`embed`/`object`, animation (it can rewrite a link), fonts (they
 * load files), metadata and any element of another namespace. Refused outright: a DTD with an
 * internal subset (entity expansion), an entity XML does not define, a document whose root is not
 * `<svg>` in the SVG namespace, an encoding other than UTF-8.
 *
 * Served images also carry a CSP that forbids scripts and loads (see `assets/routes.ts`): this is
 * the layer that holds when the image is opened some other way.
 */

const SVG_NS = 'http://www.w3.org/2000/svg'
const XLINK_NS = 'http://www.w3.org/1999/xlink'
const XML_NS = 'http://www.w3.org/XML/1998/namespace'

/** How deep elements may nest: deeper is no drawing, only a way to make the server recurse. */
export const MAX_SVG_DEPTH = 256

const DRAWING_ELEMENTS: ReadonlySet<string> = new Set([
  'svg',
  'g',
  'defs',
  'desc',
  'title',
  'symbol',
  'use',
  'image',
  'switch',
  'style',
  'a',
  'view',
  'path',
  'rect',
  'circle',
  'ellipse',
  'line',
  'polyline',
  'polygon',
  'text',
  'tspan',
  'textPath',
  'marker',
  'linearGradient',
  'radialGradient',
  'stop',
  'pattern',
  'clipPath',
  'mask',
  'filter',
  'feBlend',
  'feColorMatrix',
  'feComponentTransfer',
  'feComposite',
  'feConvolveMatrix',
  'feDiffuseLighting',
  'feDisplacementMap',
  'feDistantLight',
  'feDropShadow',
  'feFlood',
  'feFuncA',
  'feFuncB',
  'feFuncG',
  'feFuncR',
  'feGaussianBlur',
  'feImage',
  'feMerge',
  'feMergeNode',
  'feMorphology',
  'feOffset',
  'fePointLight',
  'feSpecularLighting',
  'feSpotLight',
  'feTile',
  'feTurbulence',
])

/** An SVG the sanitiser will not take, with the reason in words. */
export class SvgRefusedError extends Error {
  override name = 'SvgRefusedError'
}

/** A link target that loads nothing from elsewhere and runs nothing. */
export function isSafeLink(value: string): boolean {
  // Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes.
  const compact = value.replace(/[\u0000-\u0020]+/g, '')
  return compact.startsWith('#') || /^data:image\/(png|jpeg|gif|webp)[;,]/i.test(compact)
}

const BANNED_CSS = [
  '@import',
  '@font-face',
  'image-set(',
  'src(',
  'expression(',
  'javascript:',
  'vbscript:',
  '-moz-binding',
  'behavior:',
]

/**
 * Whether a style sheet or a style attribute loads nothing and runs nothing: its `url()`s are safe
 * links, and it has none of the ways CSS has to load or hide one (`@import`, `image-set()`, font
 * faces, escapes that could spell any of these, legacy script hooks).
 */
export function isSafeCss(css: string): boolean {
  const lower = css.toLowerCase()
  if (lower.includes('\\')) return false
  for (const banned of BANNED_CSS) {
    if (lower.includes(banned)) return false
  }
  const urlCall = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"]*?))\s*\)/g
  let calls = 0
  for (const match of lower.matchAll(urlCall)) {
    calls++
    if (!isSafeLink((match[1] ?? match[2] ?? match[3] ?? '').trim())) return false
  }
  // A url( the pattern did not read whole (an unclosed one) is not let through unread.
  return calls === lower.split('url(').length - 1
}

const PREDEFINED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/** Characters XML does not allow in a document at all. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
const FORBIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/
const NAME = /[:A-Z_a-z\u00C0-\uFFFF][-.0-9:A-Z_a-z\u00B7\u00C0-\uFFFF]*/y
const SPACE = /[ \t\r\n]*/y

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const escapeAttribute = (value: string) =>
  escapeText(value)
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')

interface Attribute {
  name: string
  value: string
}

/** An element on the parser's stack: its name, the namespaces in scope, whether it is written out. */
interface Open {
  name: string
  namespaces: Map<string, string>
  kept: boolean
  /** A kept `<style>`: its text, written out at its end if it is safe. */
  styleText: string | null
  /** Written so far: its start tag is still open (`<rect …`), to be closed with `>` or `/>`. */
  startTagOpen: boolean
}

/**
 * Sanitises an SVG document (the file's bytes as UTF-8) and returns the SVG to store. Throws
 * `SvgRefusedError` for anything that is not a well-formed SVG document.
 */
export function sanitizeSvg(bytes: Uint8Array): string {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    throw new SvgRefusedError('This SVG is not valid UTF-8 text')
  }
  return new SvgSanitizer(text).run()
}

class SvgSanitizer {
  private at = 0
  private readonly out: string[] = []
  private readonly stack: Open[] = []
  private rootSeen = false

  constructor(private readonly text: string) {}

  run(): string {
    const forbidden = FORBIDDEN_CHARACTERS.exec(this.text)
    if (forbidden) this.fail('holds a character XML does not allow', forbidden.index)
    this.prolog()
    if (!this.text.startsWith('<', this.at)) this.fail('has no root element')
    this.element()
    while (this.stack.length > 0) this.content()
    this.misc()
    if (this.at < this.text.length) this.fail('has content after its root element')
    return this.out.join('')
  }

  private fail(reason: string, at = this.at): never {
    const line = this.text.slice(0, at).split('\n').length
    throw new SvgRefusedError(`This SVG ${reason} (line ${line})`)
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.at
    SPACE.exec(this.text)
    this.at = SPACE.lastIndex
  }

  private name(): string {
    NAME.lastIndex = this.at
    const match = NAME.exec(this.text)
    if (!match) this.fail('has a malformed tag or attribute name')
    this.at = NAME.lastIndex
    return match[0]
  }

  /** Skips past `end`, which must come. */
  private skipPast(end: string, what: string): string {
    const found = this.text.indexOf(end, this.at)
    if (found < 0) this.fail(`has an unterminated ${what}`)
    const skipped = this.text.slice(this.at, found)
    this.at = found + end.length
    return skipped
  }

  /** The XML declaration, comments, processing instructions and a DTD before the root. */
  private prolog(): void {
    if (this.text.startsWith('\uFEFF')) this.at = 1
    if (this.text.startsWith('<?xml', this.at) && /[ \t\r\n?]/.test(this.text[this.at + 5] ?? '')) {
      const declaration = this.skipPast('?>', 'XML declaration')
      const encoding = /encoding\s*=\s*["']([^"']*)["']/.exec(declaration)?.[1]
      if (encoding && !/^(utf-?8|us-ascii)$/i.test(encoding))
        this.fail(`is in ${encoding}; only UTF-8 is taken`)
    }
    this.misc()
    if (this.text.startsWith('<!DOCTYPE', this.at)) {
      const start = this.at
      // Quoted public and system ids may hold '>'.
      while (this.at < this.text.length && this.text[this.at] !== '>') {
        const char = this.text[this.at]
        if (char === '[') this.fail('declares its own entities or DTD, which are not taken', start)
        if (char === '"' || char === "'") {
          this.at++
          this.skipPast(char, 'DOCTYPE')
        } else this.at++
      }
      if (this.at >= this.text.length) this.fail('has an unterminated DOCTYPE', start)
      this.at++
      this.misc()
    }
  }

  /** Whitespace, comments and processing instructions, outside the root. */
  private misc(): void {
    for (;;) {
      this.skipSpace()
      if (this.text.startsWith('<!--', this.at)) {
        this.at += 4
        this.skipPast('-->', 'comment')
      } else if (this.text.startsWith('<?', this.at)) {
        this.at += 2
        this.skipPast('?>', 'processing instruction')
      } else return
    }
  }

  /** Decodes character and entity references; only XML's own five entities are known. */
  private decode(raw: string, at: number): string {
    if (!raw.includes('&')) return raw
    return raw.replace(/&([^;&\s<]*);|&/g, (whole, reference: string | undefined) => {
      if (reference === undefined) this.fail('has an "&" that starts no entity', at)
      const named = PREDEFINED_ENTITIES[reference]
      if (named) return named
      const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(reference)
      if (!numeric) this.fail(`uses an entity XML does not define: ${whole.slice(0, 40)}`, at)
      const code = numeric[1] ? Number.parseInt(numeric[1], 16) : Number(numeric[2])
      const allowed =
        code === 0x9 ||
        code === 0xa ||
        code === 0xd ||
        (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0xfffd) ||
        (code >= 0x10000 && code <= 0x10ffff)
      if (!allowed) this.fail(`refers to a character XML does not allow: ${whole.slice(0, 40)}`, at)
      return String.fromCodePoint(code)
    })
  }

  /** One element's start tag at `this.at` (its content comes through `content`). */
  private element(): void {
    const tagStart = this.at
    this.at++
    const name = this.name()
    const attributes: Attribute[] = []
    const seen = new Set<string>()
    for (;;) {
      const before = this.at
      this.skipSpace()
      if (this.text.startsWith('/>', this.at) || this.text.startsWith('>', this.at)) break
      if (this.at === before) this.fail('has attributes with no space between them')
      const attributeName = this.name()
      if (seen.has(attributeName)) this.fail(`repeats the attribute "${attributeName}"`)
      seen.add(attributeName)
      this.skipSpace()
      if (this.text[this.at] !== '=') this.fail(`has an attribute "${attributeName}" with no value`)
      this.at++
      this.skipSpace()
      const quote = this.text[this.at]
      if (quote !== '"' && quote !== "'") this.fail(`has an unquoted value of "${attributeName}"`)
      this.at++
      const valueStart = this.at
      const raw = this.skipPast(quote, 'attribute value')
      if (raw.includes('<')) this.fail(`has a "<" in the value of "${attributeName}"`, valueStart)
      // XML turns literal whitespace in a value into spaces; references to it stay.
      attributes.push({ name: attributeName, value: this.decode(raw.replace(/[\t\n\r]/g, ' '), valueStart) })
    }
    const empty = this.text.startsWith('/>', this.at)
    this.at += empty ? 2 : 1
    this.open(name, attributes, tagStart)
    if (empty) this.close()
  }

  private open(name: string, attributes: Attribute[], at: number): void {
    const parent = this.stack[this.stack.length - 1]
    if (this.stack.length >= MAX_SVG_DEPTH) this.fail(`nests elements deeper than ${MAX_SVG_DEPTH}`, at)
    const namespaces = new Map(parent?.namespaces ?? [['xml', XML_NS]])
    for (const { name: attribute, value } of attributes) {
      if (attribute === 'xmlns') namespaces.set('', value)
      else if (attribute.startsWith('xmlns:')) namespaces.set(attribute.slice(6), value)
    }
    const [prefix, local] = this.split(name, at)
    const namespace = namespaces.get(prefix)
    if (prefix !== '' && namespace === undefined) this.fail(`uses the undeclared prefix "${prefix}"`, at)
    const inSvg = namespace === SVG_NS
    if (!this.rootSeen) {
      this.rootSeen = true
      if (!inSvg || local !== 'svg')
        this.fail('is not an SVG image: its root is not <svg> in the SVG namespace', at)
    }
    const kept =
      (parent === undefined || (parent.kept && parent.styleText === null)) &&
      inSvg &&
      DRAWING_ELEMENTS.has(local)
    this.stack.push({
      name,
      namespaces,
      kept,
      styleText: kept && local === 'style' ? '' : null,
      startTagOpen: false,
    })
    if (!kept) return
    this.closeStartTag(parent)
    const written = this.stack.length === 1 ? [`xmlns="${SVG_NS}"`, `xmlns:xlink="${XLINK_NS}"`] : []
    const names = new Set<string>()
    for (const attribute of attributes) {
      const safe = this.safeAttribute(attribute, namespaces, at)
      if (!safe) continue
      // Two prefixes of one namespace name one attribute twice, which XML does not allow either.
      if (names.has(safe)) this.fail(`repeats the attribute "${safe}"`, at)
      names.add(safe)
      written.push(`${safe}="${escapeAttribute(attribute.value)}"`)
    }
    this.out.push(`<${[local, ...written].join(' ')}`)
    const top = this.stack[this.stack.length - 1] as Open
    top.startTagOpen = true
  }

  private split(name: string, at: number): [string, string] {
    const colon = name.indexOf(':')
    if (colon < 0) return ['', name]
    const prefix = name.slice(0, colon)
    const local = name.slice(colon + 1)
    if (!prefix || !local || local.includes(':')) this.fail(`has a malformed name "${name}"`, at)
    return [prefix, local]
  }

  /** The name to write a kept element's attribute under, or null to drop it. */
  private safeAttribute(
    { name, value }: Attribute,
    namespaces: Map<string, string>,
    at: number,
  ): string | null {
    const [prefix, local] = this.split(name, at)
    if (name === 'xmlns' || prefix === 'xmlns') return null
    const namespace = prefix === '' ? null : namespaces.get(prefix)
    if (prefix !== '' && namespace === undefined) this.fail(`uses the undeclared prefix "${prefix}"`, at)
    if (local.toLowerCase().startsWith('on')) return null
    if (local === 'href' && (namespace === null || namespace === XLINK_NS)) {
      return isSafeLink(value) ? (namespace === null ? 'href' : 'xlink:href') : null
    }
    if (namespace === XML_NS) return local === 'space' || local === 'lang' ? `xml:${local}` : null
    if (namespace !== null) return null
    if (local === 'style' || value.toLowerCase().includes('url(')) return isSafeCss(value) ? local : null
    return local
  }

  /** Closes the start tag of `parent` with `>` before its first child or text is written. */
  private closeStartTag(parent: Open | undefined): void {
    if (parent?.startTagOpen) {
      this.out.push('>')
      parent.startTagOpen = false
    }
  }

  private close(): void {
    const element = this.stack.pop() as Open
    if (!element.kept) return
    if (element.styleText !== null) {
      if (!isSafeCss(element.styleText)) {
        // The style sheet goes, the element stays (empty).
        element.styleText = ''
      }
      if (element.styleText) {
        this.closeStartTag(element)
        this.out.push(escapeText(element.styleText))
      }
    }
    if (element.startTagOpen) this.out.push('/>')
    else this.out.push(`</${this.split(element.name, this.at)[1]}>`)
  }

  private writeText(text: string): void {
    const parent = this.stack[this.stack.length - 1] as Open
    if (!parent.kept || text === '') return
    if (parent.styleText !== null) {
      parent.styleText += text
      return
    }
    this.closeStartTag(parent)
    this.out.push(escapeText(text))
  }

  /** What comes next inside the innermost open element: text, a child, a comment, or its end tag. */
  private content(): void {
    const lt = this.text.indexOf('<', this.at)
    if (lt < 0)
      this.fail(`does not close <${(this.stack[this.stack.length - 1] as Open).name}>`, this.text.length)
    if (lt > this.at) {
      const raw = this.text.slice(this.at, lt)
      if (raw.includes(']]>')) this.fail('has "]]>" in its text')
      this.writeText(this.decode(raw, this.at))
      this.at = lt
    }
    if (this.text.startsWith('</', this.at)) {
      const start = this.at
      this.at += 2
      const name = this.name()
      this.skipSpace()
      if (this.text[this.at] !== '>') this.fail(`has a malformed end tag </${name}`, start)
      this.at++
      const open = this.stack[this.stack.length - 1] as Open
      if (open.name !== name) this.fail(`closes <${open.name}> with </${name}>`, start)
      this.close()
    } else if (this.text.startsWith('<!--', this.at)) {
      this.at += 4
      this.skipPast('-->', 'comment')
    } else if (this.text.startsWith('<![CDATA[', this.at)) {
      this.at += 9
      this.writeText(this.skipPast(']]>', 'CDATA section'))
    } else if (this.text.startsWith('<?', this.at)) {
      this.at += 2
      this.skipPast('?>', 'processing instruction')
    } else if (this.text.startsWith('<!', this.at)) {
      this.fail('has a declaration inside its content')
    } else this.element()
  }
}
