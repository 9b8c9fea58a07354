import type { FastifyInstance } from 'fastify'
import { authRoutes } from '../../../../types/auth'
import { registerRoutes } from '../../http/routes'
import { upsertUser } from './repository'

export function registerAuthRoutes(app: FastifyInstance) {
  const { services } = app
  registerRoutes(app, services, authRoutes, {
    'POST /api/auth/login': async ({ input, db, now }) => {
      // session_key stays in the users table; the client only ever gets our own signed token.
      const wx = await services.wechat.code2Session(input.body.code)
      const { userId, isMember } = await upsertUser(db, wx, now)
      const { token, expiresAt } = services.sessions.issue({ userId }, now)
      return { token, expiresAt: expiresAt.toISOString(), isMember }
    }
  })
}
