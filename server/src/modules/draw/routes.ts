import type { FastifyInstance } from 'fastify'
import { drawRoutes } from '../../../../types/draw'
import { registerRoutes } from '../../http/routes'
import { requireMember } from '../members/service'
import { createActivity } from './admin'
import { claimWonPrize, describeActivity, draw, listWonPrizes, shipWonPrize } from './service'

export function registerDrawRoutes(app: FastifyInstance) {
  registerRoutes(app, app.services, drawRoutes, {
    'GET /api/draw/activities/:code': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return describeActivity(db, input.params.code, member.id, now)
    },
    'POST /api/draw/activities/:code/draws': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return draw(db, { code: input.params.code, memberId: member.id, now })
    },
    'GET /api/draw/prizes': async ({ db, session, now }) => {
      const member = await requireMember(db, session.userId)
      return { items: await listWonPrizes(db, member.id, now) }
    },
    'POST /api/draw/prizes/:drawNo/claim': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return claimWonPrize(db, { memberId: member.id, drawNo: input.params.drawNo, address: input.body.address, now })
    },
    'POST /api/admin/draw/activities': async ({ db, input, now }) => createActivity(db, input.body, now),
    'POST /api/admin/draw/prizes/:drawNo/ship': async ({ db, input, now }) => shipWonPrize(db, { drawNo: input.params.drawNo, ...input.body, now })
  })
}
