import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isSafeCss, isSafeLink, MAX_SVG_DEPTH, SvgRefusedError, sanitizeSvg } from './svg'

const SVG_NS = 'http://www.w3.org/2000/svg'
const XLINK_NS = 'http://www.w3.org/1999/xlink'
const HEAD = `<svg xmlns="${SVG_NS}" xmlns:xlink="${XLINK_NS}"`

const clean = (svg: string) => sanitizeSvg(Buffer.from(svg, 'utf8'))
const refusal = (svg: string | Uint8Array) => {
  try {
    sanitizeSvg(typeof svg === 'string' ? Buffer.from(svg, 'utf8') : svg)
  } catch (error) {
    if (error instanceof SvgRefusedError) return error.message
    throw error
  }
  return null
}

/** The start and end tags of a sanitised SVG: text is escaped, so every `<` opens one. */
const tagsOf = (svg: string) => svg.match(/<[^>]*>/g) ?? []
/** Attribute name → values over every tag. */
function attributesOf(svg: string): [string, string][] {
  return tagsOf(svg).flatMap((tag) =>
    [...tag.matchAll(/\s([^\s=]+)="([^"]*)"/g)].map((m) => [m[1], m[2]] as [string, string]),
  )
}

const DANGEROUS_ELEMENTS =
  /<\s*\/?\s*(?:[\w-]+:)?(script|foreignObject|iframe|embed|object|animate|set|handler|html|body)\b/i

describe('sanitizeSvg: what it keeps', () => {
  it('writes a plain drawing out as it was, namespaces declared once on the root', () => {
    expect(
      clean(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="${SVG_NS}" viewBox="0 0 10 10"><rect width="10" height="10" fill="red"/><text x="1">A &amp; B &lt; C</text></svg>`),
    ).toBe(
      `${HEAD} viewBox="0 0 10 10"><rect width="10" height="10" fill="red"/><text x="1">A &amp; B &lt; C</text></svg>`,
    )
  })

  it('keeps #fragment and raster data: links, gradients by url(#id), and styles that load nothing', () => {
    const svg = clean(`<svg xmlns="${SVG_NS}" xmlns:x="${XLINK_NS}">
<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>
<use x:href="#g"/><use href="#g"/><image href="data:image/png;base64,iVBORw0KGgo="/>
<rect fill="url(#g)" style="stroke: blue; fill: url('#g')"/>
<style><![CDATA[ rect > circle { fill: url(#g) } ]]></style></svg>`)
    expect(svg).toContain('<use xlink:href="#g"/>')
    expect(svg).toContain('<use href="#g"/>')
    expect(svg).toContain('<image href="data:image/png;base64,iVBORw0KGgo="/>')
    expect(svg).toContain(`<rect fill="url(#g)" style="stroke: blue; fill: url('#g')"/>`)
    expect(svg).toContain('<style> rect &gt; circle { fill: url(#g) } </style>')
  })

  it('keeps xml:space and xml:lang, drops other namespaced attributes and elements (editor metadata)', () => {
    const svg = clean(`<svg xmlns="${SVG_NS}" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape">
<inkscape:namedview id="n"/><metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>
<g inkscape:label="Layer" xml:space="preserve" xml:lang="en" xml:base="https://example.com/"><path d="M0 0"/></g></svg>`)
    expect(svg).toContain('<g xml:space="preserve" xml:lang="en"><path d="M0 0"/></g>')
    expect(svg).not.toMatch(/inkscape|rdf|metadata|xml:base/)
  })
})

describe('sanitizeSvg: what it takes out', () => {
  it('drops <script>, <foreignObject>, <iframe>, <embed>, <object> and animation with all they hold', () => {
    const svg = clean(`<svg xmlns="${SVG_NS}" xmlns:s="${SVG_NS}" xmlns:h="http://www.w3.org/1999/xhtml">
<script>alert(1)</script><s:script>alert(2)</s:script><h:script>alert(3)</h:script>
<foreignObject><h:iframe src="javascript:alert(4)"/><h:body onload="alert(5)">x</h:body></foreignObject>
<iframe src="https://example.com"/><embed src="x.swf"/><object data="x.html">fallback</object>
<a href="#top"><animate attributeName="href" to="javascript:alert(6)"/><set attributeName="href" to="javascript:alert(7)"/>link</a>
<rect/></svg>`)
    expect(svg).not.toMatch(DANGEROUS_ELEMENTS)
    expect(svg).not.toMatch(/alert|fallback|example\.com/)
    expect(svg).toContain('<a href="#top">link</a>')
    expect(svg).toContain('<rect/>')
  })

  it('drops every event handler attribute, in any case and under any prefix', () => {
    const svg = clean(
      `<svg xmlns="${SVG_NS}" xmlns:x="${XLINK_NS}" onload="a()"><rect ONCLICK="b()" onMouseOver="c()" x:onbegin="d()" fill="red"/></svg>`,
    )
    expect(svg).toBe(`${HEAD}><rect fill="red"/></svg>`)
  })

  it('drops links that run or load anything, however they are spelled', () => {
    const links = [
      'javascript:alert(1)',
      ' JaVaScRiPt:alert(1)',
      'java\tscript:alert(1)',
      '&#106;avascript:alert(1)',
      'java&#x0A;script:alert(1)',
      'https://example.com/track.png',
      '//example.com/x.svg#a',
      'other.svg#a',
      'data:image/svg+xml;base64,PHN2Zy8+',
      'data:text/html,&lt;b&gt;x',
    ]
    for (const link of links) {
      const svg = clean(
        `<svg xmlns="${SVG_NS}" xmlns:l="${XLINK_NS}"><use href="${link}"/><a l:href="${link}"/></svg>`,
      )
      expect(svg, link).toBe(`${HEAD}><use/><a/></svg>`)
    }
  })

  it('drops styles that load or hide anything, and drops a <style> sheet that does while keeping the element', () => {
    for (const style of [
      'fill: url(https://example.com/x)',
      "background: url( 'javascript:alert(1)' )",
      'fill: u\\72l(https://example.com/)',
      'background-image: image-set("https://example.com/a.png" 1x)',
      'fill: url(https://example.com/x',
    ]) {
      expect(
        clean(`<svg xmlns="${SVG_NS}"><rect style="${style.replace(/"/g, '&quot;')}"/></svg>`),
        style,
      ).toBe(`${HEAD}><rect/></svg>`)
    }
    expect(clean(`<svg xmlns="${SVG_NS}"><rect fill="url(https://example.com/#x)"/></svg>`)).toBe(
      `${HEAD}><rect/></svg>`,
    )
    expect(clean(`<svg xmlns="${SVG_NS}"><style>@import url(#x); rect { fill: red }</style></svg>`)).toBe(
      `${HEAD}><style/></svg>`,
    )
  })

  it('drops processing instructions (an external style sheet), comments and the DOCTYPE', () => {
    const svg = clean(
      `<?xml-stylesheet href="https://example.com/x.css"?><!-- hi --><svg xmlns="${SVG_NS}"><!-- there --><?php echo 1 ?><g/></svg><!-- bye -->`,
    )
    expect(svg).toBe(`${HEAD}><g/></svg>`)
  })
})

describe('sanitizeSvg: what it refuses', () => {
  const cases: [string, string | Uint8Array, RegExp][] = [
    ['a root that is not <svg>', `<html xmlns="${SVG_NS}"/>`, /not an SVG image/],
    ['<svg> outside the SVG namespace', '<svg><rect/></svg>', /not an SVG image/],
    ['an unclosed element', `<svg xmlns="${SVG_NS}"><rect>`, /does not close <rect>/],
    ['a mismatched end tag', `<svg xmlns="${SVG_NS}"><g></rect></svg>`, /closes <g> with <\/rect>/],
    ['an entity of its own', `<svg xmlns="${SVG_NS}">&lol;</svg>`, /entity XML does not define/],
    [
      'a DTD that declares entities (billion laughs)',
      `<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><svg xmlns="${SVG_NS}">&b;</svg>`,
      /declares its own entities/,
    ],
    ['a bare ampersand', `<svg xmlns="${SVG_NS}">Q&A</svg>`, /"&" that starts no entity/],
    ['a repeated attribute', `<svg xmlns="${SVG_NS}"><rect x="1" x="2"/></svg>`, /repeats the attribute "x"/],
    [
      'one attribute under two prefixes',
      `<svg xmlns="${SVG_NS}" xmlns:a="${XLINK_NS}" xmlns:b="${XLINK_NS}"><use a:href="#x" b:href="#y"/></svg>`,
      /repeats the attribute "xlink:href"/,
    ],
    ['an undeclared prefix', `<svg xmlns="${SVG_NS}"><x:rect/></svg>`, /undeclared prefix "x"/],
    ['an unquoted attribute', `<svg xmlns="${SVG_NS}" width=10/>`, /unquoted value/],
    ['text after the root', `<svg xmlns="${SVG_NS}"/>trailing`, /content after its root/],
    ['a second root', `<svg xmlns="${SVG_NS}"/><svg xmlns="${SVG_NS}"/>`, /content after its root/],
    ['nothing at all', '   ', /no root element/],
    ['a NUL character', `<svg xmlns="${SVG_NS}">\u0000</svg>`, /character XML does not allow/],
    ['a reference to a NUL', `<svg xmlns="${SVG_NS}">&#0;</svg>`, /character XML does not allow/],
    ['another encoding', `<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="${SVG_NS}"/>`, /only UTF-8/],
    ['bytes that are not UTF-8', Uint8Array.from([0x3c, 0x73, 0x76, 0x67, 0xff, 0x3e]), /not valid UTF-8/],
    [
      'elements nested past the limit',
      `<svg xmlns="${SVG_NS}">${'<g>'.repeat(MAX_SVG_DEPTH)}${'</g>'.repeat(MAX_SVG_DEPTH)}</svg>`,
      /nests elements deeper/,
    ],
  ]
  for (const [what, svg, reason] of cases) {
    it(`refuses ${what}`, () => {
      expect(refusal(svg)).toMatch(reason)
    })
  }

  it('says on which line the problem is', () => {
    expect(refusal(`<svg xmlns="${SVG_NS}">\n<g>\n</rect></svg>`)).toMatch(/\(line 3\)$/)
  })
})

describe('isSafeLink and isSafeCss', () => {
  it('take fragments and raster data: URLs only', () => {
    expect(isSafeLink('#a')).toBe(true)
    expect(isSafeLink('data:image/webp;base64,AAAA')).toBe(true)
    expect(isSafeLink('data:image/svg+xml,<svg/>')).toBe(false)
    expect(isSafeLink('/api/boards/x/assets/y')).toBe(false)
  })

  it('take plain styles and url(#id) references', () => {
    expect(isSafeCss('fill: red; stroke: url( "#a" )')).toBe(true)
    expect(isSafeCss('@font-face { font-family: x }')).toBe(false)
    expect(isSafeCss('x: src("https://example.com")')).toBe(false)
  })
})

// Generated SVG documents: elements from a pool of drawing ones and dangerous ones, in the SVG
// namespace or another, with attributes from a pool of handlers, links and styles.
const ELEMENT_NAMES = [
  'g',
  'rect',
  'path',
  'a',
  'use',
  'image',
  'text',
  'style',
  'defs',
  'script',
  'SCRIPT',
  'foreignObject',
  'iframe',
  'embed',
  'object',
  'animate',
  'set',
  'handler',
  'body',
  'feImage',
]
const ATTRIBUTE_NAMES = [
  'id',
  'fill',
  'onload',
  'onClick',
  'ONMOUSEOVER',
  'on',
  'onbegin',
  'href',
  'xl:href',
  'h:onload',
  'style',
  'to',
  'values',
  'xml:space',
]
const ATTRIBUTE_VALUES = [
  '#a',
  'red',
  'javascript:alert(1)',
  ' JaVa\tScRiPt:alert(1)',
  '&#106;avascript:x',
  'https://example.com/i.png',
  'data:image/png;base64,AAAA',
  'data:text/html,x',
  'data:image/svg+xml,x',
  'url(#g)',
  'url(https://example.com/)',
  'fill: url(javascript:x)',
  'a &amp; &lt;b&gt; &quot;c&quot;',
]
const TEXTS = [
  'hello',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  ' onload="x" ',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<!-- c -->',
  '&#60;iframe&#62;',
]

type Node = {
  name: string
  prefix: '' | 's:' | 'h:'
  attributes: [string, string][]
  children: (Node | string)[]
}

const nodeArbitrary = fc.letrec<{ node: Node; child: Node | string }>((tie) => ({
  node: fc.record({
    name: fc.oneof(fc.constantFrom(...ELEMENT_NAMES), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,6}$/)),
    prefix: fc.constantFrom('' as const, '' as const, 's:' as const, 'h:' as const),
    attributes: fc.uniqueArray(
      fc.tuple(
        fc.oneof(fc.constantFrom(...ATTRIBUTE_NAMES), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{0,8}$/)),
        fc.constantFrom(...ATTRIBUTE_VALUES),
      ),
      { maxLength: 4, selector: ([name]) => name },
    ),
    children: fc.array(tie('child'), { maxLength: 4 }),
  }),
  child: fc.oneof({ depthSize: 'small' }, fc.constantFrom(...TEXTS), tie('node')),
}))

function serialise(node: Node): string {
  const attributes = node.attributes.map(([name, value]) => ` ${name}="${value}"`).join('')
  const inner = node.children.map((child) => (typeof child === 'string' ? child : serialise(child))).join('')
  return `<${node.prefix}${node.name}${attributes}>${inner}</${node.prefix}${node.name}>`
}

const documentOf = (children: Node[]) =>
  `<svg xmlns="${SVG_NS}" xmlns:s="${SVG_NS}" xmlns:xl="${XLINK_NS}" xmlns:h="http://www.w3.org/1999/xhtml">${children.map(serialise).join('')}</svg>`

describe('sanitizeSvg on generated documents', () => {
  it('never lets a script, a foreign element, a handler or an unsafe link through, and is stable', () => {
    fc.assert(
      fc.property(fc.array(nodeArbitrary.node, { maxLength: 5 }), (children) => {
        const svg = clean(documentOf(children))
        expect(svg).not.toMatch(DANGEROUS_ELEMENTS)
        for (const [name, value] of attributesOf(svg)) {
          expect(name.toLowerCase().replace(/^.*:/, '')).not.toMatch(/^on/)
          if (/(^|:)href$/.test(name)) expect(isSafeLink(value.replace(/&#9;/g, '\t'))).toBe(true)
          if (name === 'style') expect(isSafeCss(value)).toBe(true)
        }
        // Its own output is well-formed SVG that it keeps as it is.
        expect(clean(svg)).toBe(svg)
      }),
      { numRuns: 500 },
    )
  })

  it('either refuses bytes with a reason or writes an SVG it would keep as it is', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.string({ maxLength: 200 }).map((text) => Buffer.from(`<svg xmlns="${SVG_NS}">${text}</svg>`)),
        ),
        (bytes) => {
          let svg: string
          try {
            svg = sanitizeSvg(bytes)
          } catch (error) {
            expect(error).toBeInstanceOf(SvgRefusedError)
            return
          }
          expect(clean(svg)).toBe(svg)
        },
      ),
      { numRuns: 2000 },
    )
  })
})
