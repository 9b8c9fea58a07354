import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import fastifyRateLimit from '@fastify/rate-limit'
import { Redis } from 'ioredis'
import type { Config } from '../config'
import { actorScope } from './actor'
import { AppError } from './errors'

/**
 * Only routes whose contract declares `rateLimit` are limited (the route layer turns it into this
 * plugin's per-route config); counted per caller after authentication: a till, an operator or a
 * member by who they are, public routes (the logins) by client address. With REDIS_URL the
 * counters are in Redis, so every replica counts against one limit; without it, in this process.
 */
export async function installRateLimits(app: FastifyInstance, config: Config) {
  const redis = config.rateLimit.redisUrl ? await connectRateLimitRedis(config.rateLimit.redisUrl, app.log) : null
  if (redis) app.addHook('onClose', async () => void (await redis.quit().catch(() => redis.disconnect())))
  await app.register(fastifyRateLimit, {
    global: false,
    hook: 'preHandler',
    ...(redis && { redis, nameSpace: config.rateLimit.namespace, skipOnError: true }),
    keyGenerator: (request) => (request.actor ? actorScope(request.actor) : request.session ? `user:${request.session.userId}` : request.ip),
    // The development till key stands for every till of every store (tests and benchmarks post
    // thousands of sales with it); production refuses that key, so every real till is limited.
    allowList: (request) => request.actor?.kind === 'till' && request.actor.id === null,
    errorResponseBuilder: () => new AppError('RATE_LIMITED')
  })
}

/**
 * Start-up fails when Redis cannot be reached (a wrong REDIS_URL is a deployment error, better
 * seen at once); a later outage lets requests through (skipOnError): a limit guards against
 * floods, and a till or a login must not stop while Redis restarts. Commands fail fast instead of
 * queueing while it is down.
 */
export async function connectRateLimitRedis(url: string, log: FastifyBaseLogger): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 1, enableOfflineQueue: false })
  let lastWarning = 0
  redis.on('error', (error: Error) => {
    // ioredis repeats the error on every reconnect attempt: one line a minute is enough.
    if (Date.now() - lastWarning < 60_000) return
    lastWarning = Date.now()
    log.warn({ err: error }, 'rate-limit Redis unavailable: limits are not counted until it is back')
  })
  try {
    await redis.connect()
    await redis.ping()
  } catch (error) {
    redis.disconnect()
    throw new Error(`REDIS_URL: cannot reach Redis for the rate limits (${error instanceof Error ? error.message : error})`)
  }
  return redis
}
