import type { FastifyInstance, FastifyReply } from 'fastify'
import { operatorRoutes } from '../../../../types/operators'
import type { OperatorActor } from '../../http/actor'
import { AppError } from '../../http/errors'
import { registerRoutes } from '../../http/routes'
import { findOperator, listOperators, toOperator } from './repository'
import { changeOwnPassword, createAccount, login, updateAccount, type OpenedSession } from './service'
import { revokeSession, revokeSessionToken, SESSION_COOKIE } from './sessions'

export function registerOperatorRoutes(app: FastifyInstance) {
  const { services } = app
  const policy = services.config.operatorSessions

  // HttpOnly: scripts never see it; SameSite=Strict: no other site's page sends it; scoped to the API.
  const setSessionCookie = (reply: FastifyReply, opened: OpenedSession) => {
    reply.setCookie(SESSION_COOKIE, opened.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: services.config.production,
      path: '/api/admin',
      expires: new Date(opened.session.expiresAt)
    })
    return opened.session
  }

  const operatorOnly = (actor: { kind: string }): OperatorActor => {
    if (actor.kind !== 'operator') throw new AppError('FORBIDDEN')
    return actor as OperatorActor
  }

  registerRoutes(app, services, operatorRoutes, {
    'POST /api/admin/auth/login': async ({ db, input, now, origin, reply }) => {
      const opened = await login(db, { ...input.body, now, origin, policy })
      // The session id changes on every sign-in: a cookie planted before it is worth nothing after.
      const previous = reply.request.cookies?.[SESSION_COOKIE]
      if (previous) await revokeSessionToken(db, previous, now)
      return setSessionCookie(reply, opened)
    },

    'GET /api/admin/auth/me': async ({ db, actor }) => {
      if (actor.kind === 'service') throw new AppError('FORBIDDEN')
      const row = await findOperator(db, { id: actor.id })
      if (!row) throw new AppError('OPERATOR_UNAUTHENTICATED')
      const { rows } = await db.query<{ expiresAt: Date }>('SELECT expires_at AS "expiresAt" FROM operator_sessions WHERE token_hash = $1', [actor.sessionTokenHash])
      return { operator: toOperator(row), csrfToken: actor.csrfToken, expiresAt: rows[0].expiresAt.toISOString(), mustChangePassword: row.mustChangePassword }
    },

    'POST /api/admin/auth/logout': async ({ db, actor, now, reply, audit }) => {
      const operator = operatorOnly(actor)
      await revokeSession(db, operator.sessionTokenHash, now)
      audit({ targetType: 'accounts', targetId: String(operator.id) })
      reply.clearCookie(SESSION_COOKIE, { path: '/api/admin' })
      return { ok: true as const }
    },

    'POST /api/admin/auth/password': async ({ db, actor, input, now, reply, audit }) => {
      const operator = operatorOnly(actor)
      const opened = await changeOwnPassword(db, operator, { ...input.body, now, policy })
      audit({ targetType: 'accounts', targetId: String(operator.id) })
      return setSessionCookie(reply, opened)
    },

    'GET /api/admin/accounts': async ({ db }) => ({ items: (await listOperators(db)).map(toOperator) }),

    'POST /api/admin/accounts': async ({ db, input, now, audit }) => {
      const { password: _password, ...shown } = input.body
      const created = await createAccount(db, { ...input.body, now })
      audit({ targetType: 'accounts', targetId: created.id, after: { ...shown, id: created.id } })
      return created
    },

    'PATCH /api/admin/accounts/:id': async ({ db, actor, input, now, audit }) => {
      const { before, after } = await updateAccount(db, actor, Number(input.params.id), { ...input.body, now })
      audit({ targetType: 'accounts', before, after: { ...after, passwordReset: input.body.password !== undefined } })
      return after
    }
  })
}
