import type { FastifyInstance } from 'fastify'
import { orderRoutes } from '../../../../types/orders'
import { registerRoutes } from '../../http/routes'
import { requireMember } from '../members/service'
import { AppError } from '../../http/errors'
import { cancelOrder, getOrder, listMemberOrders, payOrder, placeOrder, refundOrder } from './service'

export function registerOrderRoutes(app: FastifyInstance) {
  const { services } = app
  registerRoutes(app, services, orderRoutes, {
    'GET /api/orders': async ({ db, session, input }) => {
      const member = await requireMember(db, session.userId)
      const { status, cursor, limit = 20 } = input.query
      return listMemberOrders(db, member.id, { status, cursor, limit })
    },
    'GET /api/orders/:orderNo': async ({ db, session, input }) => {
      const member = await requireMember(db, session.userId)
      return getOrder(db, member.id, input.params.orderNo)
    },
    'POST /api/orders/:orderNo/pay': async ({ db, session, input, now }) => {
      // WeChat Pay v3 is not wired in yet; the dev stand-in must never take money in production.
      if (services.config.production) throw new AppError('PAYMENT_UNAVAILABLE')
      const member = await requireMember(db, session.userId)
      return payOrder(db, { memberId: member.id, orderNo: input.params.orderNo, now })
    },
    'POST /api/orders': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return placeOrder(db, { memberId: member.id, ...input.body, now })
    },
    'POST /api/orders/:orderNo/refund': async ({ db, session, input, now }) => {
      if (services.config.production) throw new AppError('PAYMENT_UNAVAILABLE')
      const member = await requireMember(db, session.userId)
      return refundOrder(db, { memberId: member.id, orderNo: input.params.orderNo, now })
    },
    'POST /api/orders/:orderNo/cancel': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return cancelOrder(db, { memberId: member.id, orderNo: input.params.orderNo, now })
    }
  })
}
