import type { FastifyInstance } from 'fastify'
import { salesRoutes } from '../../../../types/sales'
import { registerRoutes } from '../../http/routes'
import { recordSale, refundSale } from './service'

export function registerSalesRoutes(app: FastifyInstance) {
  const { services } = app
  registerRoutes(app, services, salesRoutes, {
    'POST /api/cashier/sales': async ({ db, input, now }) =>
      recordSale(db, { ...input.body, now, memberCodeSecret: services.config.memberCodeSecret }),
    'POST /api/cashier/sales/:storeCode/:receiptNo/refund': async ({ db, input, now }) =>
      refundSale(db, { ...input.params, now })
  })
}
