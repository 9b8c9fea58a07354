import { Type, type Static } from '@sinclair/typebox'
import { DateTime, strictObject } from './common'
import { ROLES } from './permissions'
import { defineRoutes } from './route'
import { StoreCode } from './stores'

const RoleSchema = Type.Union(ROLES.map((role) => Type.Literal(role)))
const Username = Type.String({ pattern: '^[a-z][a-z0-9_.-]{2,31}$', description: 'lower-case letters, digits, _ . -' })
/** At least 10 characters: long beats clever (NIST 800-63B); checked against the username on the server. */
const NewPassword = Type.String({ minLength: 10, maxLength: 128 })
const AccountId = Type.String({ pattern: '^[1-9][0-9]{0,8}$' })

export const OperatorSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  /** The stores a 门店店长 acts for; empty for every other role (they see every store). */
  storeCodes: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  lockedUntil: Type.Union([DateTime, Type.Null()]),
  lastLoginAt: Type.Union([DateTime, Type.Null()]),
  createdAt: DateTime
})
export type Operator = Static<typeof OperatorSchema>

/** Who is signed in, and the token every write must carry in `x-csrf-token`. */
export const OperatorSessionSchema = Type.Object({
  operator: OperatorSchema,
  csrfToken: Type.String(),
  expiresAt: DateTime,
  /** The account still has the password it was given by someone else and should change it. */
  mustChangePassword: Type.Boolean()
})
export type OperatorSession = Static<typeof OperatorSessionSchema>

export const operatorRoutes = defineRoutes({
  'POST /api/admin/auth/login': {
    summary: 'Sign in to the console: sets the session cookie (HttpOnly, SameSite=Strict); five wrong passwords lock the account for 15 minutes',
    tags: ['admin-auth'],
    auth: 'none',
    rateLimit: { max: 10, perSeconds: 60 },
    body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 32 }), password: Type.String({ minLength: 1, maxLength: 128 }) }, strictObject),
    response: OperatorSessionSchema,
    errors: ['LOGIN_FAILED', 'ACCOUNT_LOCKED', 'RATE_LIMITED']
  },
  'GET /api/admin/auth/me': {
    summary: 'The signed-in operator, with the CSRF token for writes',
    tags: ['admin-auth'],
    auth: 'operator',
    permission: 'self',
    response: OperatorSessionSchema,
    errors: []
  },
  'POST /api/admin/auth/logout': {
    summary: 'Sign out: the session is revoked on the server',
    tags: ['admin-auth'],
    auth: 'operator',
    permission: 'self',
    response: Type.Object({ ok: Type.Literal(true) }),
    errors: []
  },
  'POST /api/admin/auth/password': {
    summary: "Change one's own password: every session of the account is revoked and a new one is opened",
    tags: ['admin-auth'],
    auth: 'operator',
    permission: 'self',
    body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 128 }), newPassword: NewPassword }, strictObject),
    response: OperatorSessionSchema,
    errors: ['PASSWORD_WRONG', 'PASSWORD_TOO_WEAK']
  },
  'GET /api/admin/accounts': {
    summary: 'Every console account',
    tags: ['admin-accounts'],
    auth: 'operator',
    permission: 'accounts:manage',
    response: Type.Object({ items: Type.Array(OperatorSchema) }),
    errors: []
  },
  'POST /api/admin/accounts': {
    summary: 'Create a console account with a role (and stores, for a 门店店长) and a first password',
    tags: ['admin-accounts'],
    auth: 'operator',
    permission: 'accounts:manage',
    idempotent: true,
    body: Type.Object(
      {
        username: Username,
        displayName: Type.String({ minLength: 1, maxLength: 32 }),
        role: RoleSchema,
        storeCodes: Type.Array(StoreCode, { maxItems: 50, uniqueItems: true }),
        password: NewPassword
      },
      strictObject
    ),
    response: OperatorSchema,
    errors: ['USERNAME_TAKEN', 'STORE_NOT_FOUND', 'PASSWORD_TOO_WEAK', 'STORES_REQUIRED']
  },
  'PATCH /api/admin/accounts/:id': {
    summary: "Change an account's name, role, stores, or disable it (its sessions end); or set a new password",
    tags: ['admin-accounts'],
    auth: 'operator',
    permission: 'accounts:manage',
    idempotent: true,
    params: Type.Object({ id: AccountId }, strictObject),
    body: Type.Object(
      {
        displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
        role: Type.Optional(RoleSchema),
        storeCodes: Type.Optional(Type.Array(StoreCode, { maxItems: 50, uniqueItems: true })),
        disabled: Type.Optional(Type.Boolean()),
        password: Type.Optional(NewPassword)
      },
      { ...strictObject, minProperties: 1 }
    ),
    response: OperatorSchema,
    errors: ['ACCOUNT_NOT_FOUND', 'STORE_NOT_FOUND', 'PASSWORD_TOO_WEAK', 'STORES_REQUIRED', 'ACCOUNT_SELF_CHANGE']
  }
})
