import type { FastifyInstance } from 'fastify'
import { tierRoutes } from '../../../../types/tiers'
import { actorName } from '../../http/actor'
import { registerRoutes } from '../../http/routes'
import { findMemberForActor } from '../members/repository'
import { requireMember } from '../members/service'
import { listTierDetails } from './repository'
import { addTierNoticeCredit, correctBirthday, markCelebrated, memberTier, setOwnBirthday, setTierByOperator } from './service'

export function registerTierRoutes(app: FastifyInstance) {
  registerRoutes(app, app.services, tierRoutes, {
    'GET /api/tiers': async ({ db }) => ({ items: await listTierDetails(db) }),
    'GET /api/members/me/tier': async ({ db, session, now }) => {
      const member = await requireMember(db, session.userId)
      return memberTier(db, member.id, now)
    },
    'POST /api/members/me/tier/celebrated': async ({ db, session, input }) => {
      const member = await requireMember(db, session.userId)
      return { celebratedRank: await markCelebrated(db, member.id, input.body.rank) }
    },
    'POST /api/members/me/tier/notices': async ({ db, session, input }) => {
      const member = await requireMember(db, session.userId)
      return { noticeCredits: await addTierNoticeCredit(db, member.id, input.body.accepted) }
    },
    'POST /api/members/me/birthday': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      await setOwnBirthday(db, member.id, input.body.birthday, now)
      return memberTier(db, member.id, now)
    },
    'POST /api/admin/members/:memberNo/tier': async ({ db, actor, input, now, audit }) => {
      const member = await findMemberForActor(db, actor, input.params.memberNo)
      await setTierByOperator(db, { memberId: member.id, ...input.body, operator: actorName(actor), now })
      audit({ before: { tierCode: member.tierCode }, after: { tierCode: input.body.tierCode }, reason: input.body.reason })
      return memberTier(db, member.id, now)
    },
    'POST /api/admin/members/:memberNo/birthday': async ({ db, actor, input, now, audit }) => {
      const member = await findMemberForActor(db, actor, input.params.memberNo)
      const before = (await memberTier(db, member.id, now)).birthday
      await correctBirthday(db, { memberId: member.id, ...input.body, operator: actorName(actor), now })
      audit({ before: { birthday: before }, after: { birthday: input.body.birthday }, reason: input.body.reason })
      return memberTier(db, member.id, now)
    }
  })
}
