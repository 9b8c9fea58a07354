import type { FastifyInstance } from 'fastify'
import { auditRoutes } from '../../../../types/audit'
import { registerRoutes } from '../../http/routes'
import { listAudit } from './repository'

export function registerAuditRoutes(app: FastifyInstance) {
  registerRoutes(app, app.services, auditRoutes, {
    'GET /api/admin/audit': async ({ db, input }) => {
      const { cursor, limit = 20, ...filter } = input.query
      return listAudit(db, { ...filter, before: cursor === undefined ? undefined : Number(cursor), limit })
    }
  })
}
