import type { FastifyInstance } from 'fastify'
import { referralRoutes } from '../../../../types/referral'
import { registerRoutes } from '../../http/routes'
import { requireMember } from '../members/service'
import {
  inviteCodeImage,
  inviteRecords,
  inviteSummary,
  landing,
  leaderboard,
  recordShare,
  recordVisit,
  referralReport,
  releaseHeldReward,
  setNickname
} from './service'

export function registerReferralRoutes(app: FastifyInstance) {
  const { services } = app
  registerRoutes(app, services, referralRoutes, {
    'GET /api/referral/me': async ({ db, session, now }) => inviteSummary(db, (await requireMember(db, session.userId)).id, now),
    'GET /api/referral/me/code-image': async ({ db, session, now }) => {
      const member = await requireMember(db, session.userId)
      // WeChat checks that the page exists in the released version only in production.
      return { dataUrl: await inviteCodeImage(db, services.wechat, member.id, now, services.config.production) }
    },
    'POST /api/referral/nickname': async ({ db, session, input }) => ({ nickname: await setNickname(db, session.userId, input.body.nickname) }),
    'POST /api/referral/shares': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return { shareId: await recordShare(db, member.id, input.body.channel, now) }
    },
    'GET /api/referral/invites': async ({ db, session }) => ({ items: await inviteRecords(db, (await requireMember(db, session.userId)).id) }),
    'GET /api/referral/landing/:code': async ({ db, session, input }) => landing(db, input.params.code, session.userId),
    'POST /api/referral/visits': async ({ db, session, input, now }) => recordVisit(db, { ...input.body, userId: session.userId, now }),
    'GET /api/referral/leaderboard': async ({ db, session, now }) => leaderboard(db, (await requireMember(db, session.userId)).id, now),
    'GET /api/admin/referral/report': async ({ db, input }) => ({ items: await referralReport(db, new Date(input.query.from), new Date(input.query.to)) }),
    'POST /api/admin/referral/invites/:memberNo/release': async ({ db, input, now, audit }) => {
      audit({ targetType: 'members' })
      return releaseHeldReward(db, input.params.memberNo, now)
    }
  })
}
