import { timingSafeEqual } from 'node:crypto'
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import { ErrorBodySchema, IDEMPOTENCY_KEY_PATTERN } from '../../../types/route'
import type { Contract, RouteInput, RouteOutput, RouteSpec } from '../../../types/route'
import type { Queryable } from '../db'
import type { Session, SessionTokens } from '../modules/auth/session'
import { AppError } from './errors'
import { runIdempotent } from './idempotency'

export interface RouteDeps {
  db: Queryable
  clock: () => Date
  sessions: SessionTokens
  cashierKey: string
  operatorKey: string
}

export interface HandlerContext<R extends RouteSpec> {
  input: RouteInput<R>
  session: R['auth'] extends 'member' ? Session : null
  /** Inside the idempotency transaction for idempotent routes. */
  db: Queryable
  now: Date
  log: FastifyBaseLogger
  headers: FastifyRequest['headers']
  /** The body as received, for routes that verify a signature over it. */
  rawBody: string | undefined
}

export type Handlers<C extends Contract> = {
  [K in keyof C]: C[K] extends RouteSpec ? (ctx: HandlerContext<C[K]>) => Promise<RouteOutput<C[K]>> : never
}

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({ pattern: IDEMPOTENCY_KEY_PATTERN, description: 'Unique per attempted operation; reuse it on retry' })
}, { required: ['idempotency-key'] })

/** Registers every route of a contract with its handler; the contract is the only place a shape is written. */
export function registerRoutes<C extends Contract>(app: FastifyInstance, deps: RouteDeps, contract: C, handlers: Handlers<C>) {
  for (const [routeKey, spec] of Object.entries(contract) as [keyof C & string, RouteSpec][]) {
    const [method, url] = routeKey.split(' ')
    // Idempotency keys are kept per caller: a public route has no key space.
    if (spec.idempotent && spec.auth === 'none') throw new Error(`${routeKey}: idempotent routes need a caller`)
    const handler = handlers[routeKey] as (ctx: HandlerContext<RouteSpec>) => Promise<unknown>
    app.route({
      method,
      url,
      schema: {
        summary: spec.summary,
        tags: [...spec.tags],
        ...(spec.params && { params: spec.params }),
        ...(spec.query && { querystring: spec.query }),
        ...(spec.body && { body: spec.body }),
        ...(spec.idempotent && { headers: IdempotencyHeaders }),
        ...(spec.auth === 'member' && { security: [{ session: [] }] }),
        ...(spec.auth === 'cashier' && { security: [{ cashierKey: [] }] }),
        ...(spec.auth === 'operator' && { security: [{ operatorKey: [] }] }),
        response: { 200: spec.response, '4xx': ErrorBodySchema, '5xx': ErrorBodySchema }
      },
      ...(spec.rateLimit && { config: { rateLimit: { max: spec.rateLimit.max, timeWindow: spec.rateLimit.perSeconds * 1000 } } }),
      // Authentication before validation: an anonymous caller learns nothing about the body's shape.
      onRequest: async (request) => {
        request.session = authenticate(request, spec.auth, deps)
      },
      handler: async (request) => {
        const now = deps.clock()
        const input = { params: request.params, query: request.query, body: request.body }
        const run = (db: Queryable) =>
          handler({ input: input as never, session: request.session as never, db, now, log: request.log, headers: request.headers, rawBody: request.rawBody })
        if (!spec.idempotent) return run(deps.db)
        const key = request.headers['idempotency-key'] as string
        return runIdempotent(
          deps.db,
          { scope: request.session ? `user:${request.session.userId}` : spec.auth, key, route: routeKey, payload: input, now },
          run
        )
      }
    })
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null
    rawBody?: string
  }
}

function authenticate(request: FastifyRequest, auth: RouteSpec['auth'], deps: RouteDeps): Session | null {
  if (auth === 'none') return null
  if (auth === 'cashier') {
    if (!sameSecret(request.headers['x-cashier-key'], deps.cashierKey)) throw new AppError('CASHIER_KEY_INVALID')
    return null
  }
  if (auth === 'operator') {
    if (!sameSecret(request.headers['x-operator-key'], deps.operatorKey)) throw new AppError('OPERATOR_KEY_INVALID')
    return null
  }
  const header = request.headers.authorization
  if (!header) throw new AppError('UNAUTHENTICATED')
  const [scheme, token] = header.split(' ')
  if (scheme !== 'Bearer' || !token) throw new AppError('SESSION_INVALID')
  return deps.sessions.verify(token, deps.clock())
}

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  const a = Buffer.from(String(given ?? ''))
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
