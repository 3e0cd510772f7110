import type { Backlog, BacklogComment, BacklogItem } from './backlog'
import type { Moscow } from './shapes'

export interface BacklogMarkdownOptions {
  /** The board's title, the document's heading. */
  title: string
}

const MOSCOW_LABEL: Record<Moscow, string> = { must: 'Must', should: 'Should', could: 'Could', wont: "Won't" }

/**
 * User text made safe inside a list item or heading: on one line (a line break could start a new
 * item), inline syntax escaped, and a leading list marker escaped so it cannot open a nested list.
 */
function inline(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>#|~&]/g, '\\$&')
    .replace(/^[-+]/, '\\$&')
    .replace(/^(\d+)([.)])/, '$1\\$2')
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`
}

function details(item: BacklogItem): string {
  return [
    item.estimate === null ? '' : plural(item.estimate, 'pt', 'pts'),
    item.moscow ? MOSCOW_LABEL[item.moscow] : '',
    item.votes > 0 ? plural(item.votes, 'vote', 'votes') : '',
    item.labels.length > 0 ? `labels: ${item.labels.map(inline).join(', ')}` : '',
  ]
    .filter((part) => part !== '')
    .join(' · ')
}

/** One comment of a card's thread, nested under the card (replies one level deeper). */
function commentLine(comment: BacklogComment): string {
  const indent = comment.replyTo === null ? '  ' : '    '
  const kind = comment.question ? `Question (${comment.answered ? 'answered' : 'open'}) from` : 'Comment from'
  const who =
    comment.replyTo === null ? `${kind} **${inline(comment.author)}**` : `**${inline(comment.author)}**`
  return `\n${indent}- ${who}: ${inline(comment.text)}`
}

function listItem(item: BacklogItem): string {
  const story = item.story ? ` — ${inline(item.story)}` : ''
  const facts = details(item)
  const criteria = item.acceptance.map((line) => `\n  - ${inline(line)}`).join('')
  const thread = item.comments.map(commentLine).join('')
  return `- **${inline(item.title)}**${story}${facts ? ` (${facts})` : ''}${criteria}${thread}`
}

function section(heading: string, items: readonly BacklogItem[]): string {
  const body = items.length > 0 ? items.map(listItem).join('\n') : '_No cards._'
  return `## ${inline(heading)}\n\n${body}`
}

/**
 * The backlog as Markdown: the board's title, then a `##` heading per release in slice order (cards
 * under no slice last, under "No release"), each card a list item in rank order that starts with its
 * title, its acceptance criteria and then its questions and comments nested beneath.
 */
export function toBacklogMarkdown(backlog: Backlog, options: BacklogMarkdownOptions): string {
  const sections = backlog.releases.map((release) =>
    section(
      release.name,
      backlog.items.filter((item) => item.releaseId === release.id),
    ),
  )
  const unreleased = backlog.items.filter((item) => item.releaseId === null)
  if (unreleased.length > 0) sections.push(section('No release', unreleased))
  if (sections.length === 0) sections.push('_No cards._')
  return `# ${inline(options.title)}\n\n${sections.join('\n\n')}\n`
}
