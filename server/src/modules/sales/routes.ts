import type { FastifyInstance } from 'fastify'
import { salesRoutes } from '../../../../types/sales'
import { registerRoutes } from '../../http/routes'
import { recordSale, refundSale } from './service'

export function registerSalesRoutes(app: FastifyInstance) {
  const { services } = app
  registerRoutes(app, services, salesRoutes, {
    'POST /api/cashier/sales': async ({ db, actor, input, now, audit }) => {
      const sale = await recordSale(db, { ...input.body, till: actor, now, memberCodeSecret: services.config.memberCodeSecret })
      audit({ targetType: 'sales', targetId: `${sale.storeCode}:${sale.receiptNo}`, after: sale })
      return sale
    },
    'POST /api/cashier/sales/:storeCode/:receiptNo/refund': async ({ db, actor, input, now, audit }) => {
      const sale = await refundSale(db, { ...input.params, till: actor, now })
      audit({ targetType: 'sales', targetId: `${sale.storeCode}:${sale.receiptNo}`, after: sale })
      return sale
    }
  })
}
