import type { FastifyInstance } from 'fastify'
import { orderRoutes } from '../../../../types/orders'
import { registerRoutes } from '../../http/routes'
import { requireMember } from '../members/service'
import { cancelOrder, placeOrder } from './service'

export function registerOrderRoutes(app: FastifyInstance) {
  registerRoutes(app, app.services, orderRoutes, {
    'POST /api/orders': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return placeOrder(db, { memberId: member.id, ...input.body, now })
    },
    'POST /api/orders/:orderNo/cancel': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return cancelOrder(db, { memberId: member.id, orderNo: input.params.orderNo, now })
    }
  })
}
