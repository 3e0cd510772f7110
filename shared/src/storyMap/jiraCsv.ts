import type { Backlog, BacklogComment, BacklogItem } from './backlog'
import type { Moscow } from './shapes'

const PRIORITY: Record<Moscow | 'unset', string> = {
  must: 'Highest',
  should: 'High',
  could: 'Medium',
  unset: 'Medium',
  wont: 'Lowest',
}

/**
 * A spreadsheet opening the file would run a cell starting with one of these as a formula (OWASP CSV
 * injection), so such a cell gets a leading `'`, which makes it text; nothing else of it changes.
 */
const FORMULA_START = /^[=+\-@\t\r]/

/** RFC 4180: a field holding a comma, quote, CR or LF is quoted, its quotes doubled. */
function csvField(text: string): string {
  const value = FORMULA_START.test(text) ? `'${text}` : text
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

/**
 * How a won't-have story is told apart in Jira, where a priority of Lowest may mean anything: a label
 * of its own, so the team can filter them out or close them.
 */
export const WONT_HAVE_LABEL = "Won't have"

/** Jira splits a label at spaces, so a label's inner spaces become underscores to keep it whole. */
function jiraLabels(item: BacklogItem): string[] {
  const labels = item.moscow === 'wont' ? [...item.labels, WONT_HAVE_LABEL] : item.labels
  return [...new Set(labels.map((label) => label.replace(/\s+/g, '_')))]
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** A time in the CSV importer's default date format, `dd/MMM/yy h:mm a`, in UTC. */
export function jiraDate(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  const hours = date.getUTCHours()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${pad(date.getUTCFullYear() % 100)} ${hours % 12 || 12}:${pad(date.getUTCMinutes())} ${hours < 12 ? 'AM' : 'PM'}`
}

/**
 * A card's comment as Jira's importer reads a `Comment` column: `date;author;text`. A question says so,
 * and whether it was answered; a reply says whom it answers.
 */
function jiraComment(comment: BacklogComment, thread: readonly BacklogComment[]): string {
  const answering = comment.replyTo ? thread.find((other) => other.id === comment.replyTo) : undefined
  const prefix = comment.question
    ? `Question${comment.answered ? ` (answered by ${comment.answered.by})` : ' (open)'}: `
    : answering
      ? `Re ${answering.author}: `
      : ''
  return `${jiraDate(comment.createdAt)};${comment.author};${prefix}${comment.text}`
}

/** Excel reads a CSV file as UTF-8 only when it starts with this byte-order mark; Jira skips it. */
const BYTE_ORDER_MARK = '\uFEFF'

/** The story line, a blank line, then the acceptance criteria as Jira wiki bullets. */
function description(item: BacklogItem): string {
  // A criterion spanning lines would end its bullet early.
  const criteria = item.acceptance.map((line) => `* ${line.replace(/\s*[\r\n]+\s*/g, ' ')}`)
  return [item.story, criteria.join('\n')].filter((part) => part !== '').join('\n\n')
}

/**
 * The backlog as a CSV file for Jira's importer (CONTRACT section 7): an `Epic` row per journey step
 * that has cards, in step order, then a `Story` row per card in rank order, its `Parent` the `Issue ID`
 * of its epic. Issue IDs are numbers (epics first), the form every Jira importer accepts. The file starts
 * with a byte-order mark; an epic row's Description is its step's. When a card or step came from Jira
 * (`meta.jiraKey`), an `Issue Key` column holds its key, so Jira's importer updates that issue rather
 * than creating a copy; cards made on the board leave it empty. Won't-have stories carry the label
 * `Won't_have`. A card's questions and comments follow in `Comment` columns, one each, as Jira's
 * importer reads them (`date;author;text`).
 */
export function toJiraCsv(backlog: Backlog): string {
  const epicIds = new Map<string, string>()
  for (const epic of backlog.epics) {
    if (backlog.items.some((item) => item.epicId === epic.id)) epicIds.set(epic.id, String(epicIds.size + 1))
  }
  const labels = backlog.items.map(jiraLabels)
  const keyed =
    backlog.items.some((item) => item.jiraKey !== null) || backlog.epics.some((epic) => epic.jiraKey !== null)
  const issueKey = (key: string | null) => (keyed ? [key ?? ''] : [])
  const labelColumns = Math.max(1, ...labels.map((cardLabels) => cardLabels.length))
  const commentColumns = Math.max(0, ...backlog.items.map((item) => item.comments.length))
  const noComments = Array<string>(commentColumns).fill('')

  const header = [
    ...(keyed ? ['Issue Key'] : []),
    'Issue ID',
    'Issue Type',
    'Summary',
    'Description',
    'Priority',
    'Story Points',
    ...Array<string>(labelColumns).fill('Labels'),
    'Parent',
    'Fix Version',
    ...Array<string>(commentColumns).fill('Comment'),
  ]
  const noLabels = Array<string>(labelColumns).fill('')
  const epicRows = backlog.epics.flatMap((epic) => {
    const issueId = epicIds.get(epic.id)
    if (!issueId) return []
    return [
      [
        ...issueKey(epic.jiraKey),
        issueId,
        'Epic',
        epic.title,
        epic.description,
        '',
        '',
        ...noLabels,
        '',
        '',
        ...noComments,
      ],
    ]
  })
  const storyRows = backlog.items.map((item, i) => [
    ...issueKey(item.jiraKey),
    String(epicIds.size + i + 1),
    'Story',
    item.title,
    description(item),
    PRIORITY[item.moscow ?? 'unset'],
    item.estimate === null ? '' : String(item.estimate),
    ...noLabels.map((empty, column) => labels[i]?.[column] ?? empty),
    item.epicId ? (epicIds.get(item.epicId) ?? '') : '',
    item.release ?? '',
    ...noComments.map((empty, column) => {
      const comment = item.comments[column]
      return comment ? jiraComment(comment, item.comments) : empty
    }),
  ])
  const rows = [header, ...epicRows, ...storyRows].map((row) => `${row.map(csvField).join(',')}\r\n`)
  return BYTE_ORDER_MARK + rows.join('')
}
