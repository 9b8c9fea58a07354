import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { couponRoutes } from '../../../../types/coupons'
import { AppError } from '../../http/errors'
import { registerRoutes } from '../../http/routes'
import { findMemberForActor } from '../members/repository'
import { actorName } from '../../http/actor'
import { requireMember } from '../members/service'
import { toMemberCoupon, insertTemplate, listTemplates } from './repository'
import { issueCoupon, memberCoupons } from './service'

export function registerCouponRoutes(app: FastifyInstance) {
  registerRoutes(app, app.services, couponRoutes, {
    'GET /api/coupons': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return { items: await memberCoupons(db, member.id, input.query.status, now) }
    },
    'GET /api/admin/coupon-templates': async ({ db }) => ({ items: await listTemplates(db) }),
    'POST /api/admin/coupon-templates': async ({ db, input, now }) => {
      const { validity } = input.body
      if ('from' in validity && !(new Date(validity.until) > new Date(validity.from))) {
        throw new AppError('VALIDATION_FAILED', 'validity.until')
      }
      return insertTemplate(db, input.body, now)
    },
    'POST /api/admin/coupons': async ({ db, actor, input, now, audit }) => {
      const member = await findMemberForActor(db, actor, input.body.memberNo)
      const coupon = await issueCoupon(db, {
        templateId: input.body.templateId,
        memberId: member.id,
        source: { type: 'operator', id: `${actorName(actor)}:${randomUUID()}` },
        now
      })
      audit({ targetType: 'members', targetId: member.memberNo, after: { couponId: coupon.id, templateId: input.body.templateId } })
      return toMemberCoupon(coupon, now)
    }
  })
}
