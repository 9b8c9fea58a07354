import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import { runJobsOnce } from '../src/jobs'
import { assertApiError, bearer, consoleAccount, consoleCall, count, DAY, newKey, newMember, snapshot, startTestApp, type TestApp } from './helpers'

const serviceKey = { 'x-operator-key': 'dev-operator-key' }
const silentLog = { error: () => undefined, info: () => undefined, warn: () => undefined, debug: () => undefined } as unknown as FastifyBaseLogger

describe('the staging clock: POST /api/dev/clock moves the business time of every route and job', () => {
  // One clock shared by two replicas of one database, under a name of this run's own.
  const name = `dev-clock-test:${randomUUID()}`
  let t: TestApp
  let replica: TestApp
  before(async () => {
    t = await startTestApp({ env: { DEV_CLOCK_NAME: name } })
    replica = await startTestApp({ db: t.db, env: { DEV_CLOCK_NAME: name } })
  })
  after(async () => {
    await t.db.query('DELETE FROM dev_clock WHERE name = $1', [name]).catch(() => undefined)
    await replica.close()
    await t.close()
  })

  const clock = (app: TestApp) => app.app.inject({ method: 'GET', url: '/api/dev/clock', headers: serviceKey })
  const advance = (app: TestApp, body: unknown, key = newKey()) =>
    app.app.inject({ method: 'POST', url: '/api/dev/clock', headers: { ...serviceKey, 'idempotency-key': key }, payload: body as Record<string, unknown> })

  test('at first the business time is the real (here: the test) time', async () => {
    const response = await clock(t)
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.json().offsetSeconds, 0)
    assert.equal(response.json().now, t.clock.now().toISOString())
  })

  test('bad input is a 400 with the stable code, and moves nothing', async () => {
    const before = await snapshot(t.db)
    for (const body of [{}, { advanceDays: 0 }, { advanceDays: -7 }, { advanceDays: 1.5 }, { advanceDays: '7' }, { advanceDays: 3661 }, { advanceDays: 7, back: true }, { advanceDays: 2_147_483_648 }]) {
      assertApiError(await advance(t, body), 'VALIDATION_FAILED', JSON.stringify(body))
    }
    assertApiError(await t.app.inject({ method: 'POST', url: '/api/dev/clock', headers: serviceKey, payload: { advanceDays: 7 } }), 'IDEMPOTENCY_KEY_REQUIRED')
    assert.deepEqual(await snapshot(t.db), before)
    assert.equal((await clock(t)).json().offsetSeconds, 0)
  })

  test('only a super admin moves it; roles with rules:read see it; no operator credential, no clock', async () => {
    for (const role of ['operations', 'support', 'read_only', 'store_manager']) {
      const session = await consoleAccount(t, role, role === 'store_manager' ? ['SH001'] : [])
      assertApiError(await consoleCall(t, session, 'POST', '/api/dev/clock', { advanceDays: 7 }), 'FORBIDDEN', role)
    }
    const reader = await consoleAccount(t, 'read_only')
    assert.equal((await consoleCall(t, reader, 'GET', '/api/dev/clock')).statusCode, 200)
    assertApiError(await t.app.inject({ method: 'GET', url: '/api/dev/clock' }), 'OPERATOR_UNAUTHENTICATED')
    assertApiError(await t.app.inject({ method: 'GET', url: '/api/dev/clock', headers: { 'x-operator-key': 'wrong' } }), 'OPERATOR_KEY_INVALID')
    assert.equal((await clock(t)).json().offsetSeconds, 0)
  })

  test('pending points unlock after 7 days: the summary route and the jobs read the moved clock, on both replicas', async () => {
    const { token, memberId } = await newMember(t)
    const other = await newMember(t)
    const sale = async (member: { token: string; memberId: number }) => {
      const code = (await t.app.inject({ method: 'GET', url: '/api/members/me/code', headers: bearer(member.token) })).json().code
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/cashier/sales',
        headers: { 'x-cashier-key': 'dev-cashier-key', 'idempotency-key': newKey() },
        payload: { storeCode: 'SH001', receiptNo: `CLOCK-${member.memberId}`, memberCode: code, goodsAmount: 30_000 }
      })
      assert.equal(response.statusCode, 200, response.body)
      assert.equal(response.json().pointsEarned, 300)
    }
    await sale({ token, memberId })
    await sale(other)
    const summary = async (app: TestApp, bearerToken: string) => (await app.app.inject({ method: 'GET', url: '/api/points/summary', headers: bearer(bearerToken) })).json()
    assert.equal((await summary(t, token)).pending.points, 300)

    const key = newKey()
    const moved = await advance(t, { advanceDays: 7 }, key)
    assert.equal(moved.statusCode, 200, moved.body)
    assert.equal(moved.json().offsetSeconds, 7 * 24 * 3600)
    assert.equal(moved.json().now, new Date(t.clock.now().getTime() + 7 * DAY).toISOString())
    assert.equal(t.app.services.clock().getTime() - t.clock.now().getTime(), 7 * DAY, 'services.clock is the moved clock')
    // A retry of the same advance (a lost answer) does not move the clock again.
    const retried = await advance(t, { advanceDays: 7 }, key)
    assert.equal(retried.body, moved.body)
    assert.equal((await clock(t)).json().offsetSeconds, 7 * 24 * 3600)

    const unlocked = await summary(t, token)
    assert.equal(unlocked.pending.points, 0)
    assert.equal(unlocked.balance, 400)

    // The jobs settle the other member without anyone reading, on the replica that did not move it.
    assert.equal((await clock(replica)).json().offsetSeconds, 7 * 24 * 3600, 'the replica reads the offset from the database')
    assert.equal(replica.app.services.clock().getTime(), t.app.services.clock().getTime())
    const pendingBefore = await count(t.db, 'SELECT pending AS n FROM point_accounts WHERE member_id = $1', [other.memberId])
    assert.equal(pendingBefore, 300)
    await runJobsOnce(replica.app.services, silentLog)
    assert.equal(await count(t.db, 'SELECT pending AS n FROM point_accounts WHERE member_id = $1', [other.memberId]), 0)
    assert.equal(await count(t.db, 'SELECT balance AS n FROM point_accounts WHERE member_id = $1', [other.memberId]), 400)

    const { rows } = await t.db.query<{ actorName: string; after: { offsetSeconds: number } }>(
      `SELECT actor_name AS "actorName", after FROM audit_log WHERE action = 'POST /api/dev/clock' AND (after->>'offsetSeconds')::int = $1`,
      [7 * 24 * 3600]
    )
    assert.ok(rows.some((row) => row.actorName === 'service'), 'the advance is audited with who moved it')
  })

  test('a test clock underneath keeps working: business time = base time + offset', async () => {
    const offset = (await clock(t)).json().offsetSeconds as number
    t.clock.advance(DAY)
    assert.equal(t.app.services.clock().getTime(), t.clock.now().getTime() + offset * 1000)
    t.clock.advance(-DAY)
  })
})
