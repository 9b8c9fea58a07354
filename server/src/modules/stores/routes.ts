import type { FastifyInstance } from 'fastify'
import { storeRoutes } from '../../../../types/stores'
import { registerRoutes } from '../../http/routes'
import { listOpenStores } from './repository'
import { resolveStoreAttribution } from './service'

export function registerStoreRoutes(app: FastifyInstance) {
  registerRoutes(app, app.services, storeRoutes, {
    'GET /api/stores': async ({ db }) => ({ items: await listOpenStores(db) }),
    'GET /api/stores/:code': async ({ db, input }) => {
      const { store, staff } = await resolveStoreAttribution(db, input.params.code, input.query.staff)
      return { store, staff: staff && { code: staff.code, name: staff.name } }
    }
  })
}
