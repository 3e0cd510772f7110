import {
  type ApiErrorBody,
  type Backlog,
  type BacklogDiff,
  BOARD_FILE_TYPE,
  type BoardFile,
  type BoardTemplate,
  type BoardView,
  type CreatedInvite,
  type InvitePreview,
  type InviteRole,
  type InviteView,
  type LocksAnswer,
  type MemberBoardView,
  type MemberView,
  type MyVotes,
  type PokerAcceptAnswer,
  type PokerAnswer,
  type PokerDeck,
  type PublicUser,
  type Role,
  type Summon,
  type TimerAnswer,
  type VersionView,
  type VoteResult,
  type VotingAnswer,
} from '@refinery/shared'

/** An answer of the API other than 2xx, with the server's code and message. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** What to tell the person: the server's own message for an API error, `fallback` for anything else. */
export function errorMessage(error: unknown, fallback: string): string {
  return error instanceof ApiError ? error.message : fallback
}

/** What a request that never got an answer (no network, server down) throws. */
function unreachable(): ApiError {
  return new ApiError(0, 'offline', 'The server cannot be reached. Check your connection and try again.')
}

/** The error an answer other than 2xx stands for; its body need not be JSON (a proxy's error page). */
function answerError(status: number, text: string): ApiError {
  let error: ApiErrorBody['error'] | undefined
  try {
    error = (JSON.parse(text) as ApiErrorBody | null)?.error
  } catch {
    error = undefined
  }
  return new ApiError(status, error?.code ?? 'unknown', error?.message ?? `The server answered ${status}`)
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw unreachable()
  }
  if (response.status === 204) return undefined as T
  const text = await response.text()
  if (!response.ok) throw answerError(response.status, text)
  return (text ? JSON.parse(text) : null) as T
}

export interface UploadOptions {
  /** Called as the body goes out, with the bytes sent so far. */
  onProgress?: (sent: number) => void
  signal?: AbortSignal
}

/**
 * POSTs a file as the raw body, with its MIME type as `Content-Type`. XMLHttpRequest rather than
 * fetch: only it reports how much of the body has been sent. A stopped upload rejects with an
 * `AbortError`, one that never reached the server with the `offline` ApiError.
 */
function upload<T>(path: string, file: Blob, { onProgress, signal }: UploadOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('The upload was stopped', 'AbortError'))
      return
    }
    const xhr = new XMLHttpRequest()
    xhr.open('POST', path)
    xhr.setRequestHeader('content-type', file.type)
    xhr.upload.onprogress = (event) => onProgress?.(event.loaded)
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status > 299) reject(answerError(xhr.status, xhr.responseText))
      else resolve(JSON.parse(xhr.responseText) as T)
    }
    xhr.onerror = () => reject(unreachable())
    xhr.onabort = () => reject(new DOMException('The upload was stopped', 'AbortError'))
    signal?.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(file)
  })
}

const board = (id: string) => `/api/boards/${encodeURIComponent(id)}`

/** Every call of the HTTP API (CONTRACT section 3), typed. */
export const api = {
  me: () => request<PublicUser>('GET', '/api/me'),
  signUp: (body: { email: string; password: string; name: string }) =>
    request<PublicUser>('POST', '/api/auth/signup', body),
  signIn: (body: { email: string; password: string }) => request<PublicUser>('POST', '/api/auth/login', body),
  signOut: () => request<void>('POST', '/api/auth/logout'),
  changePassword: (body: { currentPassword: string; newPassword: string }) =>
    request<void>('POST', '/api/auth/password', body),

  boards: () => request<{ boards: BoardView[] }>('GET', '/api/boards'),
  createBoard: (body: { title: string; template?: BoardTemplate }) =>
    request<MemberBoardView>('POST', '/api/boards', body),
  board: (id: string) => request<MemberBoardView>('GET', board(id)),
  updateBoard: (id: string, body: { title?: string; voteBudget?: number }) =>
    request<MemberBoardView>('PATCH', board(id), body),
  deleteBoard: (id: string) => request<void>('DELETE', board(id)),
  /**
   * A new board from a Jira CSV export (named `title`) or a board file, as its owner. The type is set
   * here from the file's name: browsers label a CSV file differently (Excel's on Windows).
   */
  importBoard: (file: File, title: string) => {
    const type = file.name.toLowerCase().endsWith('.csv') ? 'text/csv' : BOARD_FILE_TYPE
    return upload<{ id: string; title: string; role: 'owner' }>(
      `/api/boards/import?title=${encodeURIComponent(title)}`,
      new Blob([file], { type }),
    )
  },
  /** Where the browser downloads the board file from (CONTRACT section 9). */
  boardFileUrl: (id: string) => `${board(id)}/export`,

  members: (id: string) => request<{ members: MemberView[] }>('GET', `${board(id)}/members`),
  setMemberRole: (id: string, userId: string, role: Role) =>
    request<{ userId: string; role: Role }>('PATCH', `${board(id)}/members/${encodeURIComponent(userId)}`, {
      role,
    }),
  removeMember: (id: string, userId: string) =>
    request<void>('DELETE', `${board(id)}/members/${encodeURIComponent(userId)}`),
  invites: (id: string) => request<{ invites: InviteView[] }>('GET', `${board(id)}/invites`),
  createInvite: (id: string, role: InviteRole) =>
    request<CreatedInvite>('POST', `${board(id)}/invites`, { role }),
  revokeInvite: (id: string, inviteId: string) =>
    request<void>('DELETE', `${board(id)}/invites/${encodeURIComponent(inviteId)}`),
  invite: (token: string) => request<InvitePreview>('GET', `/api/invites/${encodeURIComponent(token)}`),
  acceptInvite: (token: string, name?: string) =>
    request<{ boardId: string; role: Role }>(
      'POST',
      `/api/invites/${encodeURIComponent(token)}/accept`,
      name ? { name } : {},
    ),

  myVotes: (id: string) => request<MyVotes>('GET', `${board(id)}/votes`),
  vote: (id: string, cardId: string, dots: number) =>
    request<VoteResult>('PUT', `${board(id)}/votes/${encodeURIComponent(cardId)}`, { dots }),
  /** Owners hide everyone's dots until they reveal them (`hidden: false` reveals them too). */
  setVotingHidden: (id: string, hidden: boolean) =>
    request<VotingAnswer>('POST', `${board(id)}/voting`, { hidden }),
  /** The board's shared countdown and the server's clock; owners and editors start, extend and stop it. */
  timer: (id: string) => request<TimerAnswer>('GET', `${board(id)}/timer`),
  startTimer: (id: string, seconds: number) =>
    request<TimerAnswer>('POST', `${board(id)}/timer`, { seconds }),
  extendTimer: (id: string, extendBy: number) =>
    request<TimerAnswer>('POST', `${board(id)}/timer`, { extendBy }),
  stopTimer: (id: string) => request<TimerAnswer>('DELETE', `${board(id)}/timer`),
  /** Shape locks: owners lock or unlock shapes, a selection, or every journey step and release slice. */
  setLocked: (id: string, shapeIds: readonly string[], locked: boolean) =>
    request<LocksAnswer>('PUT', `${board(id)}/locks`, { shapeIds, locked }),
  setBackboneLocked: (id: string, locked: boolean) =>
    request<LocksAnswer>('POST', `${board(id)}/locks/backbone`, { locked }),
  /** "Bring everyone here": everyone with the board open follows the caller's view (owners, editors). */
  summon: (id: string) => request<{ summon: Summon }>('POST', `${board(id)}/summon`, {}),

  /** Planning poker: the open round and the caller's own pick; owners and editors run it, voters pick. */
  poker: (id: string) => request<PokerAnswer>('GET', `${board(id)}/poker`),
  openPoker: (id: string, cardId: string, deck: PokerDeck) =>
    request<PokerAnswer>('POST', `${board(id)}/poker`, { cardId, deck }),
  estimate: (id: string, value: string) =>
    request<PokerAnswer>('PUT', `${board(id)}/poker/estimate`, { value }),
  revealPoker: (id: string) => request<PokerAnswer>('POST', `${board(id)}/poker/reveal`, {}),
  acceptEstimate: (id: string, value: string) =>
    request<PokerAcceptAnswer>('POST', `${board(id)}/poker/accept`, { value }),
  closePoker: (id: string) => request<PokerAnswer>('DELETE', `${board(id)}/poker`),

  backlog: (id: string) => request<Backlog>('GET', `${board(id)}/backlog`),
  finish: (id: string, name?: string) =>
    request<{ versionId: string; name: string; backlog: Backlog }>(
      'POST',
      `${board(id)}/finish`,
      name ? { name } : {},
    ),
  versions: (id: string) => request<{ versions: VersionView[] }>('GET', `${board(id)}/versions`),
  versionBacklog: (id: string, versionId: string) =>
    request<Backlog>('GET', `${board(id)}/versions/${encodeURIComponent(versionId)}/backlog`),
  /** What changed from a finished version to another, or to the live board (`against` = `'live'`). */
  diff: (id: string, versionId: string, against: string) =>
    request<BacklogDiff>(
      'GET',
      `${board(id)}/versions/${encodeURIComponent(versionId)}/diff?against=${encodeURIComponent(against)}`,
    ),
  /** The board as it was when the version was finished (a board file), to show read-only. */
  versionBoard: (id: string, versionId: string) =>
    request<BoardFile>('GET', `${board(id)}/versions/${encodeURIComponent(versionId)}/board`),
  /** Stores an image for the board; its answer's `src` is what the asset record keeps (CONTRACT section 5). */
  uploadImage: (id: string, file: Blob, options?: UploadOptions) =>
    upload<{ src: string }>(`${board(id)}/assets`, file, options),
  /** Where the browser downloads an export from (the session cookie goes along). */
  exportUrl: (id: string, format: 'json' | 'csv' | 'md', versionId?: string) => {
    const base = versionId
      ? `${board(id)}/versions/${encodeURIComponent(versionId)}/backlog`
      : `${board(id)}/backlog`
    return format === 'json' ? base : `${base}.${format}`
  },
}
