import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { pointsRoutes } from '../../../../types/points'
import { AppError } from '../../http/errors'
import { registerRoutes } from '../../http/routes'
import { findMemberByNo } from '../members/repository'
import { requireMember } from '../members/service'
import { adjustPoints, settleAccount } from './ledger'
import { addReminderCredit, expiringBefore, listEntries, pendingLots, reminderCredits } from './repository'
import { loadRules, quoteRedemption } from './rules'

const DAY_MS = 24 * 3600 * 1000

export function registerPointsRoutes(app: FastifyInstance) {
  registerRoutes(app, app.services, pointsRoutes, {
    'GET /api/points/rules': async ({ db }) => loadRules(db),

    'GET /api/points/summary': async ({ db, session, now }) => {
      const member = await requireMember(db, session.userId)
      // Reads settle what is due first (unlocks, expiries), so what the member sees is exact to the
      // second and not as of the job's last run; each settlement posts once, so this is safe to repeat.
      const { balance, pending } = await settleAccount(db, member.id, now)
      const rules = await loadRules(db)
      const lots = await pendingLots(db, member.id)
      const expiring = await expiringBefore(db, member.id, new Date(now.getTime() + rules.expiryReminderDays * DAY_MS))
      return {
        balance,
        pending: { points: pending, lots: lots.map((lot) => ({ points: lot.points, availableAt: lot.availableAt.toISOString() })) },
        expiring: {
          points: expiring.points,
          withinDays: rules.expiryReminderDays,
          soonestAt: expiring.soonestAt ? expiring.soonestAt.toISOString() : null
        },
        reminderCredits: await reminderCredits(db, member.id),
        rules
      }
    },

    'GET /api/points/entries': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      await settleAccount(db, member.id, now)
      const { category, cursor, limit = 20 } = input.query
      return listEntries(db, member.id, { category, before: cursor === undefined ? undefined : Number(cursor), limit })
    },

    'GET /api/points/quote': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      const { balance } = await settleAccount(db, member.id, now)
      return quoteRedemption(await loadRules(db), balance, input.query.goodsAmount, input.query.points)
    },

    'POST /api/points/expiry-reminders': async ({ db, session, input }) => {
      const member = await requireMember(db, session.userId)
      const credits = input.body.accepted ? await addReminderCredit(db, member.id) : await reminderCredits(db, member.id)
      return { reminderCredits: credits }
    },

    'POST /api/admin/points/adjustments': async ({ db, input, now }) => {
      const member = await findMemberByNo(db, input.body.memberNo)
      if (!member) throw new AppError('MEMBER_NOT_FOUND', 'memberNo')
      const rules = await loadRules(db)
      const posted = await adjustPoints(db, {
        memberId: member.id,
        points: input.body.points,
        // Retries are caught by the Idempotency-Key; each accepted adjustment is its own event.
        event: { type: 'adjustment', id: randomUUID() },
        reason: input.body.reason,
        operator: input.body.operator,
        now,
        expiryDays: rules.expiryDays
      })
      return { entryId: String(posted.entryId), balance: posted.balance }
    }
  })
}
