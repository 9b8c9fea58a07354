import type { FastifyInstance } from 'fastify'
import { devClockRoutes } from '../../../../types/dev-clock'
import { registerRoutes } from '../../http/routes'
import type { DevClock } from './service'

const DAY_MS = 24 * 3600 * 1000

/** Registered only when the configuration allows the dev clock (never in production: 404 there). */
export function registerDevClockRoutes(app: FastifyInstance, clock: DevClock) {
  const view = () => ({ now: clock.now().toISOString(), realNow: new Date().toISOString(), offsetSeconds: Math.floor(clock.offsetMs() / 1000) })
  registerRoutes(app, app.services, devClockRoutes, {
    'GET /api/dev/clock': async ({ db }) => {
      await clock.refresh(db)
      return view()
    },
    'POST /api/dev/clock': async ({ db, input, audit }) => {
      const before = view()
      await clock.advance(db, input.body.advanceDays * DAY_MS)
      const after = view()
      audit({ targetType: 'dev_clock', targetId: null, before, after })
      return after
    }
  })
}
