import { z } from 'zod'
import { INVITE_ROLES, ROLES } from './roles'

/** Request bodies of the HTTP API (CONTRACT section 3), validated by the server, typed for the client. */
const email = z
  .email({ error: 'Enter a valid email address' })
  .max(254)
  .transform((value) => value.toLowerCase())
const displayName = z
  .string()
  .trim()
  .min(1, { error: 'Enter a name' })
  .max(60, { error: 'Use at most 60 characters' })
const password = z
  .string()
  .min(8, { error: 'Use at least 8 characters' })
  .max(256, { error: 'Use at most 256 characters' })

export const SignupBody = z.object({ email, password, name: displayName })
export const LoginBody = z.object({ email, password: z.string().min(1).max(256) })
export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: password,
})

export const BOARD_TEMPLATES = ['blank', 'story-map'] as const
export type BoardTemplate = (typeof BOARD_TEMPLATES)[number]
export const boardTitle = z.string().trim().min(1, { error: 'Give the board a title' }).max(120)
export const CreateBoardBody = z.object({
  title: boardTitle,
  template: z.enum(BOARD_TEMPLATES).default('blank'),
})
export const UpdateBoardBody = z
  .object({ title: boardTitle.optional(), voteBudget: z.int().min(0).max(100).optional() })
  .refine((body) => body.title !== undefined || body.voteBudget !== undefined, {
    error: 'Send a title or a voteBudget',
  })

export const CreateInviteBody = z.object({
  role: z.enum(INVITE_ROLES),
  /** How long the link works; a week by default, at most 30 days. */
  expiresInHours: z
    .int()
    .min(1)
    .max(24 * 30)
    .default(24 * 7),
})
export const AcceptInviteBody = z.object({ name: displayName.optional() })
export const UpdateMemberBody = z.object({ role: z.enum(ROLES) })

export type SignupBody = z.infer<typeof SignupBody>
export type CreateBoardBody = z.infer<typeof CreateBoardBody>
export type CreateInviteBody = z.infer<typeof CreateInviteBody>

/** The caller's dots on one card; 0 takes them all back. */
export const VoteBody = z.object({ dots: z.int().min(0).max(100) })

/** Freezes the board as a named version; a name is made up when none is given. */
export const FinishBody = z.object({ name: z.string().trim().min(1).max(120).optional() })

/** What the API answers, for the client's typed calls. */
export interface PublicUser {
  id: string
  email: string | null
  name: string
  isGuest: boolean
}

export interface BoardView {
  id: string
  title: string
  role: import('./roles').Role
  voteBudget: number
  createdAt: number
  updatedAt: number
}

/** One board as a member opens it, with their own presence colour on it (see `presenceColor`). */
export interface MemberBoardView extends BoardView {
  color: string
}

export interface MemberView {
  userId: string
  name: string
  /** Shown to owners only. */
  email: string | null
  isGuest: boolean
  role: import('./roles').Role
}

export interface InviteView {
  id: string
  role: import('./roles').InviteRole
  expiresAt: string
  createdAt: string
  /** The link to hand out; null for a link made before links could be shown again (its token is unknown). */
  url: string | null
}

export interface CreatedInvite extends InviteView {
  token: string
  url: string
}

export interface InvitePreview {
  boardId: string
  boardTitle: string
  role: import('./roles').InviteRole
}

export interface MyVotes {
  budget: number
  left: number
  /** cardId → the caller's dots on it. */
  mine: Record<string, number>
}

export interface VoteResult {
  cardId: string
  dots: number
  left: number
}

export interface VersionView {
  id: string
  name: string
  createdAt: string
  createdBy: string | null
  items: number
}

export interface ApiErrorBody {
  error: { code: string; message: string }
}
