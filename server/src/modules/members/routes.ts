import type { FastifyInstance } from 'fastify'
import { memberRoutes } from '../../../../types/members'
import { AppError } from '../../http/errors'
import { registerRoutes } from '../../http/routes'
import { checkMemberCode, issueMemberCode } from './member-code'
import { findMemberByNo } from './repository'
import { rewardReferral } from '../referral/service'
import { joinMembership, requireMember, toMemberCard } from './service'

export function registerMemberRoutes(app: FastifyInstance) {
  const { services } = app
  const secret = services.config.memberCodeSecret
  registerRoutes(app, services, memberRoutes, {
    'POST /api/members/join': async ({ db, input, session, now }) => {
      const joined = await joinMembership(db, { userId: session.userId, ...input.body, now })
      // In the join's own transaction (the idempotent route's): joined and rewarded, or neither.
      if (joined.joinedNow) {
        const { memberNo } = joined.card
        const member = await requireMember(db, session.userId)
        await rewardReferral(db, app.services.wechat, { userId: session.userId, memberId: member.id, memberNo, now })
      }
      return joined
    },

    'GET /api/members/me': async ({ db, session }) => toMemberCard(db, await requireMember(db, session.userId)),

    'GET /api/members/me/code': async ({ db, session, now }) => {
      const member = await requireMember(db, session.userId)
      const { code, expiresAt, refreshInSeconds } = issueMemberCode(secret, member.memberNo, now)
      return { code, expiresAt: expiresAt.toISOString(), refreshInSeconds }
    },

    'POST /api/cashier/member-code/verify': async ({ db, input, now }) => {
      const check = checkMemberCode(secret, input.body.code, now)
      if (!check.ok) throw new AppError(check.reason === 'expired' ? 'MEMBER_CODE_EXPIRED' : 'MEMBER_CODE_INVALID')
      const member = await findMemberByNo(db, check.memberNo)
      if (!member) throw new AppError('MEMBER_CODE_INVALID')
      const card = await toMemberCard(db, member)
      return { memberNo: card.memberNo, tier: card.tier, points: card.points, validUntil: check.validUntil.toISOString() }
    }
  })
}
