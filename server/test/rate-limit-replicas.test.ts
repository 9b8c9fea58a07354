import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { Redis } from 'ioredis'
import { contract } from '../../types'
import type { RouteSpec } from '../../types/route'
import { assertApiError, bearer, newKey, operatorCall, someAddress, startTestApp, uniqueCode, type TestApp } from './helpers'

const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379'
// Unique to this run: parallel runs (and other test files) on the same Redis count apart.
const namespace = `loyalty-mall-test-replicas:${randomUUID()}:`

async function redisMissingReason(): Promise<string | null> {
  const probe = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, enableOfflineQueue: false })
  probe.on('error', () => undefined)
  try {
    await probe.connect()
    await probe.ping()
    return null
  } catch (error) {
    const reason = `no Redis at ${redisUrl} (${(error as Error).message}); .ci/run starts one`
    if (process.env.CI) throw new Error(`the rate-limit replica test cannot run in CI: ${reason}`)
    return reason
  } finally {
    probe.disconnect()
  }
}

const limited = (Object.entries(contract) as [string, RouteSpec][]).filter(([, spec]) => spec.rateLimit)

describe('rate limits are shared by replicas through Redis', async () => {
  const missing = await redisMissingReason()
  let a: TestApp
  let b: TestApp
  let tillKey: string
  let member: string

  before(async () => {
    if (missing) return
    const env = { REDIS_URL: redisUrl, RATE_LIMIT_NAMESPACE: namespace }
    a = await startTestApp({ env })
    // A second replica: same database, same Redis, same namespace.
    b = await startTestApp({ db: a.db, env })
    const till = await operatorCall(a, 'POST', '/api/admin/tills', { storeCode: 'SH001', name: '限流测试' })
    assert.equal(till.statusCode, 200, till.body)
    tillKey = till.json().key
  })
  after(async () => {
    if (missing) return
    await b.close()
    await a.close()
    // The counters expire with their window anyway; leave nothing behind.
    const redis = new Redis(redisUrl)
    const keys = await redis.keys(`${namespace}*`)
    if (keys.length) await redis.del(...keys)
    await redis.quit()
  })

  /**
   * One call of each limited route that the route layer accepts and counts (authenticated and
   * valid), whatever its handler then answers; `from` is the client address for the public ones.
   */
  const calls: Record<string, (from: string) => InjectOptions> = {
    'POST /api/auth/login': (from) => ({ method: 'POST', url: '/api/auth/login', remoteAddress: from, payload: { code: uniqueCode() } }),
    'POST /api/admin/auth/login': (from) => ({ method: 'POST', url: '/api/admin/auth/login', remoteAddress: from, payload: { username: `nobody_${randomUUID().slice(0, 8)}`, password: 'wrong-password' } }),
    'POST /api/members/join': () => ({ method: 'POST', url: '/api/members/join', headers: { ...bearer(member), 'idempotency-key': newKey() }, payload: { storeCode: 'SH001' } }),
    'POST /api/referral/visits': () => ({ method: 'POST', url: '/api/referral/visits', headers: { ...bearer(member), 'idempotency-key': newKey() }, payload: { code: 'ZZZZZZ', channel: 'card' } }),
    'POST /api/draw/activities/:code/draws': () => ({ method: 'POST', url: '/api/draw/activities/no-such-draw/draws', headers: { ...bearer(member), 'idempotency-key': newKey() } }),
    'POST /api/cashier/member-code/verify': () => ({ method: 'POST', url: '/api/cashier/member-code/verify', headers: { 'x-cashier-key': tillKey }, payload: { code: '000000' } }),
    'POST /api/cashier/sales': () => ({
      method: 'POST',
      url: '/api/cashier/sales',
      headers: { 'x-cashier-key': tillKey, 'idempotency-key': newKey() },
      payload: { storeCode: 'SH001', receiptNo: `RL-${randomUUID().slice(0, 8)}`, memberCode: '000000', goodsAmount: 1000 }
    }),
    'POST /api/cashier/sales/:storeCode/:receiptNo/refund': () => ({
      method: 'POST',
      url: `/api/cashier/sales/SH001/RL-NONE-${randomUUID().slice(0, 8)}/refund`,
      headers: { 'x-cashier-key': tillKey, 'idempotency-key': newKey() }
    })
  }

  test('login, join, the till, visits and the draw each declare a limit in the contract', { skip: missing ?? false }, () => {
    const declared = limited.map(([key]) => key).sort()
    for (const key of ['POST /api/auth/login', 'POST /api/admin/auth/login', 'POST /api/members/join', 'POST /api/referral/visits', 'POST /api/draw/activities/:code/draws']) {
      assert.ok(declared.includes(key), `${key} declares rateLimit`)
    }
    for (const [key, spec] of Object.entries(contract) as [string, RouteSpec][]) {
      if (key.includes(' /api/cashier/')) assert.ok(spec.rateLimit, `${key}: every till route is limited`)
    }
    assert.deepEqual(declared, Object.keys(calls).sort(), 'this test exercises every limited route')
  })

  for (const [key, spec] of limited) {
    test(`${key}: ${spec.rateLimit!.max} calls in ${spec.rateLimit!.perSeconds} s across both replicas, then RATE_LIMITED on either`, { skip: missing ?? false }, async () => {
      const call = calls[key]
      assert.ok(call, `no call for ${key}`)
      const from = someAddress()
      // A person of their own: member routes count per member, and nothing else has counted yet.
      if (spec.auth === 'member') member = await a.login()
      const { max } = spec.rateLimit!
      const answers: LightMyRequestResponse[] = []
      // Alternating replicas, a few at a time (as a load balancer would spread one caller).
      for (let i = 0; i < max; i += 10) {
        const batch = Array.from({ length: Math.min(10, max - i) }, (_, j) => ((i + j) % 2 === 0 ? a : b).app.inject(call(from)))
        answers.push(...(await Promise.all(batch)))
      }
      for (const answer of answers) assert.notEqual(answer.statusCode, 429, `within the limit: ${answer.body}`)
      assert.ok(answers.every((answer) => answer.statusCode < 500), answers.map((r) => r.statusCode).join(','))
      for (const replica of [a, b]) {
        const over = await replica.app.inject(call(from))
        assertApiError(over, 'RATE_LIMITED', key)
        assert.ok(Number(over.headers['retry-after']) > 0, 'says when to come back')
      }
      if (spec.auth === 'none') {
        // Counted per client address: someone else is not held back.
        assert.notEqual((await b.app.inject(call(someAddress()))).statusCode, 429)
      }
    })
  }

  test('without Redis each process counts alone: two replicas let twice the limit through (why Redis is needed)', { skip: missing ?? false }, async () => {
    const memory = { REDIS_URL: '' }
    const [one, two] = [await startTestApp({ db: a.db, env: memory }), await startTestApp({ db: a.db, env: memory })]
    try {
      assert.equal(one.config.rateLimit.redisUrl, null)
      const from = someAddress()
      const statuses: number[] = []
      for (let i = 0; i < 20; i++) statuses.push((await (i % 2 ? two : one).app.inject(calls['POST /api/admin/auth/login'](from))).statusCode)
      assert.equal(statuses.filter((s) => s === 429).length, 0, 'each replica let its own 10 through')
      assert.equal((await one.app.inject(calls['POST /api/admin/auth/login'](from))).statusCode, 429)
    } finally {
      await two.close()
      await one.close()
    }
  })
})
