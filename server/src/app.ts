import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import fastifyCookie from '@fastify/cookie'
import fastifyStatic from '@fastify/static'
import fastifySwagger, { type SwaggerTransform } from '@fastify/swagger'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import type { Config } from './config'
import { isDatabaseUnavailable, type Database } from './db'
import { AppError, errorBody } from './http/errors'
import { refusingNul, withInt4Bounds, withStorableDateTimes } from './http/input-limits'
import type { RouteDeps } from './http/routes'
import { sessionTokens } from './modules/auth/session'
import { registerAuthRoutes } from './modules/auth/routes'
import { registerCatalogRoutes } from './modules/catalog/routes'
import { registerMemberRoutes } from './modules/members/routes'
import { registerOrderRoutes } from './modules/orders/routes'
import { registerPointsRoutes } from './modules/points/routes'
import { registerSalesRoutes } from './modules/sales/routes'
import { registerStoreRoutes } from './modules/stores/routes'
import type { WechatAdapter } from './wechat'
import { createWechatPay, type WechatPay } from './wechat/pay'
import { registerCouponRoutes } from './modules/coupons/routes'
import { registerDrawRoutes } from './modules/draw/routes'
import { registerReferralRoutes } from './modules/referral/routes'
import { registerTierRoutes } from './modules/tiers/routes'
import { registerAftersaleRoutes } from './modules/aftersales/routes'
import { registerOrderAdminRoutes } from './modules/orders/admin-routes'
import { registerAuditRoutes } from './modules/audit/routes'
import { registerMemberAdminRoutes } from './modules/members/admin-routes'
import { registerOperatorRoutes } from './modules/operators/routes'
import { registerRulesRoutes } from './modules/rules/routes'
import { registerStoreAdminRoutes } from './modules/stores/admin-routes'
import { registerTillRoutes } from './modules/tills/routes'
import { contract } from '../../types'
import type { RouteSpec } from '../../types/route'
import { installRateLimits } from './http/rate-limit'
import { installSecurityHeaders } from './http/security'
import { createDevClock, type DevClock } from './modules/dev-clock/service'
import { registerDevClockRoutes } from './modules/dev-clock/routes'

export interface AppOptions {
  config: Config
  db: Database
  wechat: WechatAdapter
  /** WeChat Pay; by default from the configuration (none without merchant settings). */
  wechatPay?: WechatPay | null
  /** The business clock; tests move it. In development the staging clock's offset is added to it. */
  clock?: () => Date
  logger?: boolean
}

export interface AppServices extends RouteDeps {
  db: Database
  config: Config
  wechat: WechatAdapter
  wechatPay: WechatPay | null
}

declare module 'fastify' {
  interface FastifyInstance {
    services: AppServices
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-cashier-key"]', 'req.headers["x-operator-key"]', 'req.headers["x-csrf-token"]'] },
    bodyLimit: 64 * 1024,
    // Off unless TRUST_PROXY names the proxies (WeChat Cloud Hosting's gateway, a load balancer):
    // trusting every hop would let any client pick its own address with X-Forwarded-For and
    // step around the per-address limits.
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // Errors the router raises before any route or error handler runs (an undecodable URL, an
    // over-long path parameter) still answer with a contract error body, not Fastify's own.
    frameworkErrors: (error, request, reply) => answerFrameworkError(error, request, reply)
  })

  installValidation(app)
  installErrorHandling(app)
  acceptEmptyJsonBodies(app)

  const baseClock = options.clock ?? (() => new Date())
  // Development only: the staging clock, read by every route and job through services.clock.
  const devClock: DevClock | null = config.devClock ? createDevClock(baseClock, config.devClock.name) : null
  const services: AppServices = {
    config,
    wechat: options.wechat,
    wechatPay: options.wechatPay !== undefined ? options.wechatPay : config.wechatPay && createWechatPay(config.wechatPay),
    db: options.db,
    clock: devClock ? devClock.now : baseClock,
    sessions: sessionTokens(config.sessionSecret, config.sessionTtlSeconds),
    cashierKey: config.cashierKey,
    operatorKey: config.operatorKey,
    operatorSessions: config.operatorSessions
  }
  app.decorate('services', services)
  app.decorateRequest('session', null)
  app.decorateRequest('actor', null)
  await app.register(fastifyCookie)
  await installSecurityHeaders(app, { production: config.production, h5Dir: config.h5Dir })

  await app.register(fastifySwagger, {
    // Every operation gets its operationId from its route key, and a CSV answer its media type,
    // here in one place: the contract stays the only description of a route.
    transform: documentRoute,
    openapi: {
      info: { title: 'Loyalty Mall API', version: '0.1.0' },
      // Relative: the document is served by the API it describes (GET /openapi.json).
      servers: [{ url: '/', description: 'the server that serves this document' }],
      components: {
        securitySchemes: {
          session: { type: 'http', scheme: 'bearer' },
          cashierKey: { type: 'apiKey', in: 'header', name: 'x-cashier-key' },
          operatorSession: { type: 'apiKey', in: 'cookie', name: 'lm_admin_session' },
          operatorKey: { type: 'apiKey', in: 'header', name: 'x-operator-key' }
        }
      }
    }
  })

  await installRateLimits(app, config)

  registerAuthRoutes(app)
  registerStoreRoutes(app)
  registerMemberRoutes(app)
  registerPointsRoutes(app)
  registerSalesRoutes(app)
  registerCatalogRoutes(app)
  registerCouponRoutes(app)
  registerOrderRoutes(app)
  registerTierRoutes(app)
  registerDrawRoutes(app)
  registerReferralRoutes(app)
  registerOperatorRoutes(app)
  registerAuditRoutes(app)
  registerMemberAdminRoutes(app)
  registerRulesRoutes(app)
  registerStoreAdminRoutes(app)
  registerTillRoutes(app)
  registerAftersaleRoutes(app)
  registerOrderAdminRoutes(app)
  if (devClock) {
    registerDevClockRoutes(app, devClock)
    installDevClockRefresh(app, devClock, config.mode === 'development')
  }

  app.get('/health', { schema: { hide: true } }, async () => {
    await services.db.query('SELECT 1')
    return { status: 'ok' }
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())

  if (existsSync(config.h5Dir)) {
    await app.register(fastifyStatic, { root: config.h5Dir, wildcard: false })
  }
  if (existsSync(path.join(config.adminDir, 'index.html'))) await serveConsole(app, config.adminDir)
  return app
}

/** Fastify's "trust the first n hops" (hop 0 is the socket's peer), spelled as its function form. */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops

/**
 * The staging clock's offset is read once the app is ready and, on a development server, every
 * few seconds after that, so an advance made on one replica reaches the others' routes and jobs.
 * Tests read it when they ask (GET /api/dev/clock): no timer of their own.
 */
function installDevClockRefresh(app: FastifyInstance, clock: DevClock, poll: boolean) {
  let timer: NodeJS.Timeout | null = null
  app.addHook('onReady', async () => {
    await clock.refresh(app.services.db)
    if (!poll) return
    timer = setInterval(() => {
      clock.refresh(app.services.db).catch((error) => app.log.warn({ err: error }, 'dev clock refresh failed'))
    }, 5000)
    timer.unref()
  })
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer)
  })
}

/** `POST /api/admin/auth/login` → `postAdminAuthLogin`; `/:memberNo` → `ByMemberNo`. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^\/api\//, '')
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith(':') ? `by-${segment.slice(1)}` : segment))
    .flatMap((segment) => segment.split(/[-_.]/))
    .filter(Boolean)
  return method.toLowerCase() + words.map((word) => word[0].toUpperCase() + word.slice(1)).join('')
}

const routeSpecs = contract as Record<string, RouteSpec>

const documentRoute: SwaggerTransform = ({ schema, url, route }) => {
  if (!schema || schema.hide) return { schema, url }
  const method = String(Array.isArray(route.method) ? route.method[0] : route.method)
  const spec = routeSpecs[`${method} ${url}`]
  const response = schema.response as Record<string, unknown> | undefined
  return {
    schema: {
      ...schema,
      operationId: operationIdOf(method, url),
      // The route layer sends a CSV as it is (no 200 schema to serialise with); the document still says what comes back.
      ...(spec?.produces && {
        response: { ...response, 200: { description: 'Default Response', content: { [spec.produces]: { schema: { type: 'string' } } } } }
      })
    },
    url
  }
}

/**
 * The console's build at /admin/; its client-side routes (/admin/members/…) all answer index.html.
 * A missing asset (a tab left open across a deploy asks for an old hashed file) is a 404, not the
 * page: HTML served as a script only breaks the tab with a module-type error.
 */
async function serveConsole(app: FastifyInstance, root: string) {
  await app.register(fastifyStatic, { root, prefix: '/admin/', decorateReply: false, wildcard: false, index: ['index.html'] })
  app.get('/admin', { schema: { hide: true } }, (_request, reply) => reply.redirect('/admin/'))
  const indexHtml = readFileSync(path.join(root, 'index.html'), 'utf8')
  app.get('/admin/*', { schema: { hide: true } }, (request, reply) =>
    request.url.startsWith('/admin/assets/')
      ? reply.code(404).send(errorBody('NOT_FOUND'))
      : reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml)
  )
}

/**
 * wx.request sends `content-type: application/json` with every request, also a POST without data
 * (pay, cancel): an empty body there means "no body", not malformed JSON. Non-empty bodies go
 * through Fastify's own parser, with its prototype-poisoning protection.
 */
function acceptEmptyJsonBodies(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // Kept for signatures over the exact bytes received (WeChat Pay's notifies).
    request.rawBody = body as string
    if (body === '') return done(null, undefined)
    parseJson(request, body as string, done)
  })
}

/**
 * Bodies are validated strictly (a number where a string belongs is an error); path and query
 * parts arrive as text, so they are coerced to the declared types. Every schema also gets the
 * limits of what PostgreSQL can store (http/input-limits.ts): int4 bounds, storable date-times,
 * no NUL in strings; input beyond them is a 400, not a failed query.
 */
function installValidation(app: FastifyInstance) {
  const strict = withStorableDateTimes(addFormats(new Ajv({ coerceTypes: false, allErrors: false, useDefaults: true, removeAdditional: false })))
  const coercing = withStorableDateTimes(addFormats(new Ajv({ coerceTypes: true, allErrors: false, useDefaults: true, removeAdditional: false })))
  app.setValidatorCompiler(({ schema, httpPart }) =>
    refusingNul((httpPart === 'body' ? strict : coercing).compile(withInt4Bounds(schema)), httpPart)
  )
}

function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.code === 'FST_ERR_BAD_URL') return reply.code(400).send(errorBody('MALFORMED_REQUEST'))
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return reply.code(400).send(errorBody('VALIDATION_FAILED'))
  request.log.error({ err: error }, 'router error')
  return reply.code(500).send(errorBody('INTERNAL'))
}

function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) return reply.code(error.status).send(errorBody(error.code, error.field))
    if (error.validation) {
      const first = error.validation[0]
      const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty
      const field = [first?.instancePath?.replace(/^\//, '').replace(/\//g, '.'), missing].filter(Boolean).join('.') || undefined
      if (error.validationContext === 'headers') {
        return reply.code(400).send(errorBody('IDEMPOTENCY_KEY_REQUIRED', 'Idempotency-Key'))
      }
      return reply.code(400).send(errorBody('VALIDATION_FAILED', field))
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send(errorBody('UNSUPPORTED_MEDIA_TYPE'))
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(errorBody('PAYLOAD_TOO_LARGE'))
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(400).send(errorBody('MALFORMED_REQUEST'))
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable')
      return reply.code(503).send(errorBody('SERVICE_UNAVAILABLE'))
    }
    request.log.error({ err: error }, 'unhandled error')
    return reply.code(500).send(errorBody('INTERNAL'))
  })
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody('NOT_FOUND')))
}
