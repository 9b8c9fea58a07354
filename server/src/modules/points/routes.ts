import type { FastifyInstance } from 'fastify'
import { pointsRoutes } from '../../../../types/points'
import { seesStore } from '../../http/actor'
import { registerRoutes } from '../../http/routes'
import { findMemberForActor } from '../members/repository'
import { requireMember } from '../members/service'
import { decideAdjustment, listAdjustments, requestAdjustment } from './adjustments'
import { settleAccount } from './ledger'
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

    'POST /api/admin/points/adjustments': async ({ db, actor, input, now, audit }) => {
      const member = await findMemberForActor(db, actor, input.body.memberNo)
      const adjustment = await requestAdjustment(db, { maker: actor, memberId: member.id, points: input.body.points, reason: input.body.reason, now })
      audit({ targetType: 'members', targetId: member.memberNo, before: { balance: member.balance }, after: adjustment, reason: input.body.reason })
      return adjustment
    },

    'GET /api/admin/points/adjustments': async ({ db, actor, input }) => {
      const { status, memberNo, cursor, limit = 20 } = input.query
      const member = memberNo === undefined ? null : await findMemberForActor(db, actor, memberNo)
      return listAdjustments(db, { status, memberId: member?.id, before: cursor === undefined ? undefined : Number(cursor), limit, storeIds: actor.storeIds })
    },

    'POST /api/admin/points/adjustments/:id/approve': async ({ db, actor, input, now, audit }) => {
      const { before, after } = await decideAdjustment(db, { checker: actor, id: Number(input.params.id), approve: true, now, visible: (storeId) => seesStore(actor, storeId) })
      audit({ targetType: 'members', targetId: after.memberNo, before, after })
      return after
    },

    'POST /api/admin/points/adjustments/:id/reject': async ({ db, actor, input, now, audit }) => {
      const { before, after } = await decideAdjustment(db, {
        checker: actor,
        id: Number(input.params.id),
        approve: false,
        reason: input.body.reason,
        now,
        visible: (storeId) => seesStore(actor, storeId)
      })
      audit({ targetType: 'members', targetId: after.memberNo, before, after, reason: input.body.reason })
      return after
    }
  })
}
