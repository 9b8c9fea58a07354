import { Type, type Static } from '@sinclair/typebox'
import { DateTime, strictObject } from './common'
import { defineRoutes } from './route'

/** One operator, till or service write, recorded in the transaction that made it. */
export const AuditEntrySchema = Type.Object({
  id: Type.String(),
  at: DateTime,
  actor: Type.Object({
    kind: Type.Union([Type.Literal('operator'), Type.Literal('till'), Type.Literal('service')]),
    id: Type.Union([Type.String(), Type.Null()]),
    name: Type.String(),
    role: Type.Union([Type.String(), Type.Null()])
  }),
  /** The contract's route key (`POST /api/admin/...`) or a named event such as `login`. */
  action: Type.String(),
  target: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  before: Type.Unknown(),
  after: Type.Unknown(),
  reason: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()])
})
export type AuditEntry = Static<typeof AuditEntrySchema>

export const AuditQuerySchema = Type.Object(
  {
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'account username, till id or "service"' })),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    targetType: Type.Optional(Type.String({ pattern: '^[a-z_]{1,32}$' })),
    targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 }))
  },
  strictObject
)

export const auditRoutes = defineRoutes({
  'GET /api/admin/audit': {
    summary: 'The audit log (操作日志), newest first, filtered by actor, action, target and time',
    tags: ['admin-audit'],
    auth: 'operator',
    permission: 'audit:read',
    query: AuditQuerySchema,
    response: Type.Object({ items: Type.Array(AuditEntrySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
    errors: []
  }
})
