import { Type, type Static } from '@sinclair/typebox'
import { DateTime, strictObject } from './common'
import { defineRoutes } from './route'

/**
 * The staging clock: the business time every route and job reads is the real time plus an offset
 * that only moves forward, so "7 days later" can be rehearsed on a development server. Production
 * does not register these routes (404).
 */
export const DevClockSchema = Type.Object({
  /** The business time now: what routes and jobs use. */
  now: DateTime,
  /** The machine's own time, for comparison. */
  realNow: DateTime,
  /** How far the business time is ahead of the real time. */
  offsetSeconds: Type.Integer({ minimum: 0 })
})
export type DevClock = Static<typeof DevClockSchema>

export const devClockRoutes = defineRoutes({
  'GET /api/dev/clock': {
    summary: 'Development only: the business time routes and jobs use, and how far it is ahead of the real time',
    tags: ['dev'],
    auth: 'operator',
    permission: 'rules:read',
    response: DevClockSchema,
    errors: []
  },
  'POST /api/dev/clock': {
    summary: 'Development only: move the business clock forward (never back) for every route and job, on every replica',
    tags: ['dev'],
    auth: 'operator',
    permission: 'clock:write',
    // A retried advance must not move the clock twice.
    idempotent: true,
    body: Type.Object(
      { advanceDays: Type.Integer({ minimum: 1, maximum: 3660, description: 'whole days to move forward (pending points unlock after 7, lots expire after 365)' }) },
      strictObject
    ),
    response: DevClockSchema,
    errors: []
  }
})
