/** Board roles, strongest first. */
export const ROLES = ['owner', 'editor', 'voter', 'viewer'] as const
export type Role = (typeof ROLES)[number]

/** Roles an invite link may grant; ownership is never handed out by link. */
export const INVITE_ROLES = ['editor', 'voter', 'viewer'] as const
export type InviteRole = (typeof INVITE_ROLES)[number]

export type Capability =
  /** See the board, its document, backlog and versions. */
  | 'board:read'
  /** Change the board's document over the socket. */
  | 'board:edit'
  /** Place and take back dots. */
  | 'board:vote'
  /** Ask questions and comment on cards, reply, and mark one's own questions answered. */
  | 'board:comment'
  /** Freeze a named version of the board. */
  | 'board:finish'
  /** Rename the board, change its vote budget. */
  | 'board:configure'
  | 'board:delete'
  /** Invite people, change and remove members, revoke invites. */
  | 'members:manage'
  /** Lock and unlock shapes; change what is locked. */
  | 'board:lock'

/** What each role may do: the one table server and client both read. */
const CAPABILITIES: Record<Role, ReadonlySet<Capability>> = {
  owner: new Set<Capability>([
    'board:read',
    'board:edit',
    'board:vote',
    'board:comment',
    'board:finish',
    'board:configure',
    'board:delete',
    'members:manage',
    'board:lock',
  ]),
  editor: new Set<Capability>(['board:read', 'board:edit', 'board:vote', 'board:comment', 'board:finish']),
  voter: new Set<Capability>(['board:read', 'board:vote', 'board:comment']),
  viewer: new Set<Capability>(['board:read']),
}

export function can(role: Role | null | undefined, capability: Capability): boolean {
  return role ? CAPABILITIES[role].has(capability) : false
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}
