import type { FastifyInstance } from 'fastify'
import { rulesRoutes } from '../../../../types/rules'
import { registerRoutes } from '../../http/routes'
import { listAudit } from '../audit/repository'
import { loadAllRules, mergeRules, previewLines, saveRules } from './service'

export function registerRulesRoutes(app: FastifyInstance) {
  registerRoutes(app, app.services, rulesRoutes, {
    'GET /api/admin/rules': async ({ db }) => loadAllRules(db),

    'POST /api/admin/rules/preview': async ({ db, input }) => {
      const current = await loadAllRules(db)
      return { lines: previewLines(current, mergeRules(current, input.body)) }
    },

    'PUT /api/admin/rules': async ({ db, input, audit }) => {
      // One writer at a time, so two operators saving at once cannot interleave half of each.
      await db.query('SELECT 1 FROM loyalty_rules FOR UPDATE')
      const before = await loadAllRules(db)
      await saveRules(db, mergeRules(before, input.body))
      const after = await loadAllRules(db)
      audit({ targetType: 'rules', targetId: null, before, after })
      return after
    },

    'GET /api/admin/rules/history': async ({ db, input }) => {
      const { cursor, limit = 20 } = input.query
      return listAudit(db, { targetType: 'rules', action: 'PUT /api/admin/rules', before: cursor === undefined ? undefined : Number(cursor), limit })
    }
  })
}
