import { Type, type Static } from '@sinclair/typebox'
import { AuditEntrySchema } from './audit'
import { strictObject } from './common'
import { PointsRulesSchema } from './points'
import { defineRoutes } from './route'

/** What an operator may set on a tier; the tiers themselves (their codes and ranks) are fixed. */
export const TierRuleSchema = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z_]{1,20}$' }),
    name: Type.String({ minLength: 1, maxLength: 10 }),
    growthThreshold: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
    keepThreshold: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
    /** Thousandths: 1200 = ×1.2. */
    pointsMultiplierPermille: Type.Integer({ minimum: 1000, maximum: 10_000 }),
    birthdayGiftPoints: Type.Integer({ minimum: 0, maximum: 100_000 }),
    freeShipping: Type.Boolean(),
    priorityService: Type.Boolean()
  },
  strictObject
)
export type TierRule = Static<typeof TierRuleSchema>

/** The console's own limits on operators' points adjustments. */
export const OperatorRulesSchema = Type.Object(
  {
    /** An adjustment of more than this many points (either way) waits for a second operator. */
    adjustmentApprovalThreshold: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    /** The largest adjustment a 客服 account may make. */
    supportAdjustmentLimit: Type.Integer({ minimum: 1, maximum: 1_000_000 })
  },
  strictObject
)
export type OperatorRules = Static<typeof OperatorRulesSchema>

const PointsRulesInput = Type.Object(
  {
    pointValueFen: Type.Integer({ minimum: 1, maximum: 10_000 }),
    minRedeemPoints: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    maxRedeemPercent: Type.Integer({ minimum: 0, maximum: 100 }),
    earnFenPerPoint: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    earnLockDays: Type.Integer({ minimum: 0, maximum: 90 }),
    expiryDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    expiryReminderDays: Type.Integer({ minimum: 0, maximum: 365 }),
    welcomePoints: Type.Integer({ minimum: 0, maximum: 100_000 })
  },
  strictObject
)

export const RulesSchema = Type.Object({
  points: PointsRulesSchema,
  tiers: Type.Array(TierRuleSchema),
  operator: OperatorRulesSchema
})
export type Rules = Static<typeof RulesSchema>

const RulesChange = Type.Object(
  { points: Type.Optional(PointsRulesInput), tiers: Type.Optional(Type.Array(TierRuleSchema, { minItems: 1, maxItems: 10 })), operator: Type.Optional(OperatorRulesSchema) },
  { ...strictObject, minProperties: 1 }
)

/** One line of what a change does, in words an operator checks before saving. */
export const RulesPreviewLineSchema = Type.Object({ label: Type.String(), before: Type.String(), after: Type.String(), changed: Type.Boolean() })

export const rulesRoutes = defineRoutes({
  'GET /api/admin/rules': {
    summary: 'The points rules, the tiers and the operator limits as stored',
    tags: ['admin-rules'],
    auth: 'operator',
    permission: 'rules:read',
    response: RulesSchema,
    errors: []
  },
  'POST /api/admin/rules/preview': {
    summary: 'What a change would do (a ¥100 payment by 银卡 earns 120 → 150 …), without saving it',
    tags: ['admin-rules'],
    auth: 'operator',
    permission: 'rules:read',
    readOnly: true,
    body: RulesChange,
    response: Type.Object({ lines: Type.Array(RulesPreviewLineSchema) }),
    errors: ['RULES_INVALID', 'TIER_NOT_FOUND']
  },
  'PUT /api/admin/rules': {
    summary: 'Change the points rules, the tiers or the operator limits; the old and new versions go to the audit log',
    tags: ['admin-rules'],
    auth: 'operator',
    permission: 'rules:write',
    idempotent: true,
    body: RulesChange,
    response: RulesSchema,
    errors: ['RULES_INVALID', 'TIER_NOT_FOUND']
  },
  'GET /api/admin/rules/history': {
    summary: 'Every saved version of the rules: who, when, before and after',
    tags: ['admin-rules'],
    auth: 'operator',
    permission: 'rules:read',
    query: Type.Object({ cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })) }, strictObject),
    response: Type.Object({ items: Type.Array(AuditEntrySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
    errors: []
  }
})
