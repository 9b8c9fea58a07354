import { timingSafeEqual } from 'node:crypto'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import { can } from '../../../types/permissions'
import { ErrorBodySchema, IDEMPOTENCY_KEY_PATTERN } from '../../../types/route'
import type { Contract, RouteInput, RouteOutput, RouteSpec } from '../../../types/route'
import type { Queryable } from '../db'
import type { Session, SessionTokens } from '../modules/auth/session'
import { writeAudit, type AuditRecord, type RequestOrigin } from '../modules/audit/repository'
import { resumeSession, SESSION_COOKIE, type SessionPolicy } from '../modules/operators/sessions'
import { findTillByKey, touchTill } from '../modules/tills/repository'
import { actorScope, type Actor, type OperatorActor, type ServiceActor, type TillActor } from './actor'
import { AppError } from './errors'
import { runIdempotent, runIdempotentOutside } from './idempotency'

export interface RouteDeps {
  db: Queryable
  clock: () => Date
  sessions: SessionTokens
  /** The development till key (any store); null in production, where every till has its own key. */
  cashierKey: string | null
  /** The service key for scripts; null when not configured. */
  operatorKey: string | null
  operatorSessions: SessionPolicy
}

type ActorOf<R extends RouteSpec> = R['auth'] extends 'operator' ? OperatorActor | ServiceActor : R['auth'] extends 'cashier' ? TillActor : null

export interface HandlerContext<R extends RouteSpec> {
  input: RouteInput<R>
  session: R['auth'] extends 'member' ? Session : null
  /** Who calls an operator or till route (audit rows and store scoping come from here). */
  actor: ActorOf<R>
  /**
   * Inside the idempotency transaction for idempotent routes, and inside one for every operator or
   * till write; never inside one for routes that call WeChat (`external`).
   */
  db: Queryable
  now: Date
  log: FastifyBaseLogger
  headers: FastifyRequest['headers']
  /** The body as received, for routes that verify a signature over it. */
  rawBody: string | undefined
  /** Fills in this write's audit row (target, before/after, reason); written in the same transaction. */
  audit: (record: Partial<AuditRecord>) => void
  origin: RequestOrigin
  /** For the few routes that set cookies or headers (console sign-in, CSV downloads). */
  reply: FastifyReply
  /**
   * Work to do once this request's transaction has committed, outside any: the call to WeChat an
   * audited write recorded the intent of. Its failure is logged, not answered: a job finishes it.
   */
  afterCommit: (work: () => Promise<unknown>) => void
  /**
   * The caller's Idempotency-Key with its scope, for idempotent routes. Work that calls WeChat
   * records it with what it starts, so a retry that takes over a dead attempt resumes that work
   * instead of starting it a second time.
   */
  requestKey: string | null
}

export type Handlers<C extends Contract> = {
  [K in keyof C]: C[K] extends RouteSpec ? (ctx: HandlerContext<C[K]>) => Promise<RouteOutput<C[K]>> : never
}

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({ pattern: IDEMPOTENCY_KEY_PATTERN, description: 'Unique per attempted operation; reuse it on retry' })
}, { required: ['idempotency-key'] })

const SECURITY = {
  none: [],
  member: [{ session: [] }],
  cashier: [{ cashierKey: [] }],
  operator: [{ operatorSession: [] }, { operatorKey: [] }]
} as const

/** Registers every route of a contract with its handler; the contract is the only place a shape is written. */
export function registerRoutes<C extends Contract>(app: FastifyInstance, deps: RouteDeps, contract: C, handlers: Handlers<C>) {
  for (const [routeKey, spec] of Object.entries(contract) as [keyof C & string, RouteSpec][]) {
    const [method, url] = routeKey.split(' ')
    // Idempotency keys are kept per caller: a public route has no key space.
    if (spec.idempotent && spec.auth === 'none') throw new Error(`${routeKey}: idempotent routes need a caller`)
    // Default deny: an operator route that names no permission does not start.
    if ((spec.auth === 'operator') !== (spec.permission !== undefined)) throw new Error(`${routeKey}: operator routes, and only they, declare a permission`)
    const handler = handlers[routeKey] as (ctx: HandlerContext<RouteSpec>) => Promise<unknown>
    const audited = method !== 'GET' && !spec.readOnly && (spec.auth === 'operator' || spec.auth === 'cashier')
    // An audit row belongs in the transaction of its change; work that calls WeChat holds none open.
    if (audited && spec.external) throw new Error(`${routeKey}: audited writes cannot call WeChat from the handler`)
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
        security: [...SECURITY[spec.auth]],
        // A CSV answer is sent as it is; a 200 schema would serialise it as a JSON string.
        response: { ...(!spec.produces && { 200: spec.response }), '4xx': ErrorBodySchema, '5xx': ErrorBodySchema }
      },
      ...(spec.rateLimit && { config: { rateLimit: { max: spec.rateLimit.max, timeWindow: spec.rateLimit.perSeconds * 1000 } } }),
      // Authentication (and the permission and CSRF checks) before validation: a caller without
      // the right learns nothing about the body's shape.
      onRequest: async (request) => {
        if (spec.auth === 'member') request.session = authenticateMember(request, deps)
        if (spec.auth === 'cashier') request.actor = await authenticateTill(request, deps)
        if (spec.auth === 'operator') request.actor = await authenticateOperator(request, spec, method, deps)
      },
      handler: async (request, reply) => {
        const now = deps.clock()
        const input = { params: request.params, query: request.query, body: request.body }
        const origin: RequestOrigin = { ip: request.ip ?? null, userAgent: (request.headers['user-agent'] as string | undefined) ?? null, requestId: request.id }
        let record: AuditRecord = defaultAuditRecord(routeKey, url, request.params as Record<string, string> | undefined)
        const committed: (() => Promise<unknown>)[] = []
        const scope = request.actor ? actorScope(request.actor) : request.session ? `user:${request.session.userId}` : spec.auth
        const idempotencyKey = spec.idempotent ? (request.headers['idempotency-key'] as string) : null
        const run = async (db: Queryable) => {
          const result = await handler({
            input: input as never,
            session: request.session as never,
            actor: request.actor as never,
            db,
            now,
            log: request.log,
            headers: request.headers,
            rawBody: request.rawBody,
            audit: (details) => {
              record = { ...record, ...details }
            },
            origin,
            reply,
            afterCommit: (work) => void committed.push(work),
            requestKey: idempotencyKey === null ? null : `${scope}:${idempotencyKey}`
          })
          if (audited) await writeAudit(db, request.actor!, record, origin, now)
          return result
        }
        if (spec.produces) reply.type(`${spec.produces}; charset=utf-8`)
        let result: unknown
        if (idempotencyKey !== null) {
          const claim = { scope, key: idempotencyKey, route: routeKey, payload: input, now }
          result = await (spec.external ? runIdempotentOutside(deps.db, claim, run) : runIdempotent(deps.db, claim, run))
        } else {
          result = await (audited ? deps.db.transaction(run) : run(deps.db))
        }
        for (const work of committed) await work().catch((error) => request.log.error({ err: error, route: routeKey }, 'after-commit work failed'))
        return result
      }
    })
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null
    actor: Actor | null
    rawBody?: string
  }
}

/** `POST /api/admin/members/:memberNo/tier` → target members / the member number, until the handler says more. */
function defaultAuditRecord(action: string, url: string, params: Record<string, string> | undefined): AuditRecord {
  const segment = url.split('/')[3] ?? 'unknown'
  const firstParam = params ? Object.values(params)[0] : undefined
  return { action, targetType: segment.replace(/-/g, '_'), targetId: firstParam ?? null }
}

function authenticateMember(request: FastifyRequest, deps: RouteDeps): Session {
  const header = request.headers.authorization
  if (!header) throw new AppError('UNAUTHENTICATED')
  const [scheme, token] = header.split(' ')
  if (scheme !== 'Bearer' || !token) throw new AppError('SESSION_INVALID')
  return deps.sessions.verify(token, deps.clock())
}

async function authenticateTill(request: FastifyRequest, deps: RouteDeps): Promise<TillActor> {
  const key = request.headers['x-cashier-key']
  if (typeof key !== 'string' || key.length === 0 || key.length > 128) throw new AppError('CASHIER_KEY_INVALID')
  if (deps.cashierKey !== null && sameSecret(key, deps.cashierKey)) return { kind: 'till', id: null, name: 'dev-till', storeId: null }
  const till = await findTillByKey(deps.db, key)
  if (!till || till.revokedAt) throw new AppError('CASHIER_KEY_INVALID')
  await touchTill(deps.db, till.id, deps.clock())
  return { kind: 'till', id: till.id, name: till.name, storeId: till.storeId }
}

async function authenticateOperator(request: FastifyRequest, spec: RouteSpec, method: string, deps: RouteDeps): Promise<OperatorActor | ServiceActor> {
  const serviceKey = request.headers['x-operator-key']
  let actor: OperatorActor | ServiceActor
  if (serviceKey !== undefined) {
    if (deps.operatorKey === null || !sameSecret(serviceKey, deps.operatorKey)) throw new AppError('OPERATOR_KEY_INVALID')
    actor = { kind: 'service', role: 'super_admin', storeIds: null }
  } else {
    const token = request.cookies?.[SESSION_COOKIE]
    if (!token) throw new AppError('OPERATOR_UNAUTHENTICATED')
    actor = await resumeSession(deps.db, token, deps.clock(), deps.operatorSessions)
    // The cookie rides along on any request the browser makes; only our pages know the token.
    if (method !== 'GET' && !sameSecret(request.headers['x-csrf-token'], actor.csrfToken)) throw new AppError('CSRF_INVALID')
  }
  if (!can(actor.role, spec.permission!)) throw new AppError('FORBIDDEN')
  return actor
}

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  const a = Buffer.from(String(given ?? ''))
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
