import type { FastifyInstance } from 'fastify'
import { memberRoutes } from '../../../../types/members'
import { AppError } from '../../http/errors'
import { registerRoutes } from '../../http/routes'
import { checkMemberCode, issueMemberCode } from './member-code'
import { findMemberByNo } from './repository'
import { inviteeRiskRank, rewardReferral } from '../referral/service'
import { joinMembership, requireMember, toMemberCard } from './service'

export function registerMemberRoutes(app: FastifyInstance) {
  const { services } = app
  const secret = services.config.memberCodeSecret
  registerRoutes(app, services, memberRoutes, {
    'POST /api/members/join': async ({ db, input, session, now }) => {
      const riskRank = await inviteeRiskRank(db, services.wechat, session.userId)
      // One transaction: joined and rewarded, or neither.
      return db.transaction(async (tx) => {
        const joined = await joinMembership(tx, { userId: session.userId, ...input.body, now })
        if (joined.joinedNow) {
          const member = await requireMember(tx, session.userId)
          await rewardReferral(tx, { userId: session.userId, memberId: member.id, memberNo: joined.card.memberNo, riskRank, now })
        }
        return joined
      })
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
