import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  assertApiError,
  assertLedgerConsistent,
  bearer,
  count,
  newKey,
  newMember,
  newSku,
  pointsOf,
  shippingAddress,
  snapshot,
  startTestApp,
  stockOf,
  userIdOf,
  type TestApp
} from './helpers'

describe('idempotent join under retries and races', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp()
  })
  after(() => t.close())

  const effects = async (token: string) => {
    const userId = userIdOf(token)
    return {
      members: await count(t.db, 'SELECT count(*) AS n FROM members WHERE user_id = $1', [userId]),
      welcome: await count(
        t.db,
        `SELECT count(*) AS n FROM point_entries e JOIN members m ON m.id = e.member_id
         WHERE m.user_id = $1 AND e.event_type = 'welcome_gift'`,
        [userId]
      ),
      entries: await count(
        t.db,
        'SELECT count(*) AS n FROM point_entries e JOIN members m ON m.id = e.member_id WHERE m.user_id = $1',
        [userId]
      ),
      lots: await count(
        t.db,
        'SELECT count(*) AS n FROM point_lots l JOIN members m ON m.id = l.member_id WHERE m.user_id = $1',
        [userId]
      ),
      balance: await count(
        t.db,
        'SELECT coalesce(sum(a.balance), 0) AS n FROM point_accounts a JOIN members m ON m.id = a.member_id WHERE m.user_id = $1',
        [userId]
      )
    }
  }
  const ONE_JOIN = { members: 1, welcome: 1, entries: 1, lots: 1, balance: 100 }

  test('20 concurrent joins of one person (distinct keys): one membership, one welcome gift', async () => {
    const token = await t.login()
    const stores = ['SH001', 'SH002', 'BJ001']
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.join(token, { storeCode: stores[i % stores.length] }, newKey()))
    )
    for (const response of responses) assert.equal(response.statusCode, 200, response.body)
    const bodies = responses.map((response) => response.json())
    assert.equal(bodies.filter((body) => body.joinedNow).length, 1, 'exactly one request joined')
    assert.equal(bodies.filter((body) => body.welcomePoints === 100).length, 1)
    assert.equal(new Set(bodies.map((body) => body.card.memberNo)).size, 1, 'one member number')
    for (const body of bodies) assert.equal(body.card.points.balance, 100)
    assert.deepEqual(await effects(token), ONE_JOIN)
  })

  test('one Idempotency-Key replayed 20 times at once: 20 identical answers, one effect', async () => {
    const token = await t.login()
    const key = newKey()
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => t.join(token, { storeCode: 'SH001', staffCode: 'E07' }, key))
    )
    for (const response of responses) assert.equal(response.statusCode, 200, response.body)
    const first = responses[0].body
    for (const response of responses) assert.equal(response.body, first)
    const body = JSON.parse(first)
    assert.equal(body.joinedNow, true, 'every replay answers with the first (joining) response')
    assert.equal(body.welcomePoints, 100)
    assert.deepEqual(await effects(token), ONE_JOIN)
    assert.equal(
      await count(t.db, 'SELECT count(*) AS n FROM idempotency_keys WHERE scope = $1', [`user:${userIdOf(token)}`]),
      1
    )
  })

  test('a retry later still answers with the first response', async () => {
    const token = await t.login()
    const key = newKey()
    const first = await t.join(token, { storeCode: 'SH002', staffCode: 'E03' }, key)
    assert.equal(first.statusCode, 200, first.body)
    t.clock.advance(60_000)
    const retry = await t.join(token, { storeCode: 'SH002', staffCode: 'E03' }, key)
    assert.equal(retry.statusCode, 200)
    assert.equal(retry.body, first.body)
    // Field order does not make it another request.
    const reordered = await t.app.inject({
      method: 'POST',
      url: '/api/members/join',
      headers: { ...bearer(token), 'idempotency-key': key, 'content-type': 'application/json' },
      payload: '{ "staffCode": "E03", "storeCode": "SH002" }'
    })
    assert.equal(reordered.statusCode, 200)
    assert.equal(reordered.body, first.body)
    // A new key after joining: joinedNow=false, nothing more posted.
    const again = await t.join(token, { storeCode: 'SH002' }, newKey())
    assert.equal(again.json().joinedNow, false)
    assert.deepEqual(await effects(token), ONE_JOIN)
  })

  test('the same key with other parameters is refused with IDEMPOTENCY_KEY_REUSED and changes nothing', async () => {
    const token = await t.login()
    const key = newKey()
    const first = await t.join(token, { storeCode: 'SH001' }, key)
    assert.equal(first.statusCode, 200, first.body)
    const before = await snapshot(t.db)
    assertApiError(await t.join(token, { storeCode: 'SH002' }, key), 'IDEMPOTENCY_KEY_REUSED', 'other store')
    assertApiError(await t.join(token, { storeCode: 'SH001', staffCode: 'E07' }, key), 'IDEMPOTENCY_KEY_REUSED', 'added staff')
    assert.deepEqual(await snapshot(t.db), before)
    // The original parameters still replay.
    const retry = await t.join(token, { storeCode: 'SH001' }, key)
    assert.equal(retry.body, first.body)
  })

  test('concurrent requests reusing one key with different parameters: one wins, the others are refused', async () => {
    const token = await t.login()
    const key = newKey()
    const stores = ['SH001', 'SH002', 'BJ001']
    const responses = await Promise.all(
      Array.from({ length: 9 }, (_, i) => t.join(token, { storeCode: stores[i % 3] }, key))
    )
    const ok = responses.filter((response) => response.statusCode === 200)
    const refused = responses.filter((response) => response.statusCode !== 200)
    const winner = ok[0].json().card.joinedStore.code
    assert.equal(ok.length, 3, 'the three requests with the winning parameters get the same answer')
    for (const response of ok) assert.equal(response.body, ok[0].body)
    assert.equal(refused.length, 6)
    for (const response of refused) assertApiError(response, 'IDEMPOTENCY_KEY_REUSED')
    assert.ok(stores.includes(winner))
    assert.deepEqual(await effects(token), ONE_JOIN)
  })

  test('keys belong to one person: another person may use the same key', async () => {
    const key = newKey()
    const alice = await t.login()
    const bob = await t.login()
    const a = await t.join(alice, { storeCode: 'SH001' }, key)
    const b = await t.join(bob, { storeCode: 'SH002' }, key)
    assert.equal(a.statusCode, 200, a.body)
    assert.equal(b.statusCode, 200, b.body)
    assert.notEqual(a.json().card.memberNo, b.json().card.memberNo)
    assert.equal(b.json().joinedNow, true)
    assert.deepEqual(await effects(alice), ONE_JOIN)
    assert.deepEqual(await effects(bob), ONE_JOIN)
  })

  test('concurrent joins of many people each get their own membership and gift', async () => {
    const tokens = await Promise.all(Array.from({ length: 10 }, () => t.login()))
    const responses = await Promise.all(
      tokens.flatMap((token) => [t.join(token, { storeCode: 'SH001' }), t.join(token, { storeCode: 'BJ001' })])
    )
    for (const response of responses) assert.equal(response.statusCode, 200, response.body)
    assert.equal(responses.filter((response) => response.json().joinedNow).length, 10)
    for (const token of tokens) assert.deepEqual(await effects(token), ONE_JOIN)
  })
})

describe('an order and its payment retried under their keys (the client lost the answer)', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp()
  })
  after(() => t.close())

  const post = (token: string, url: string, key: string, payload?: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url, headers: { ...bearer(token), 'idempotency-key': key }, ...(payload && { payload }) })

  test('the retry is the same order: stock and points taken once; paying twice under one key pays once', async () => {
    const { token, memberId } = await newMember(t) // 100 welcome points
    const skuId = await newSku(t, 3000, 5)
    const body = { items: [{ skuId, quantity: 2 }], pointsToUse: 100, address: shippingAddress }
    const key = newKey()
    const first = await post(token, '/api/orders', key, body)
    assert.equal(first.statusCode, 200, first.body)
    // The member saw nothing and taps again: the same key, a moment later.
    t.clock.advance(5_000)
    const retry = await post(token, '/api/orders', key, body)
    assert.equal(retry.statusCode, 200, retry.body)
    assert.equal(retry.json().orderNo, first.json().orderNo)
    assert.equal(await count(t.db, 'SELECT count(*) AS n FROM orders WHERE member_id = $1', [memberId]), 1)
    assert.equal(await stockOf(t, skuId), 3)
    assert.equal((await pointsOf(t, memberId)).balance, 0, 'the 100 points were spent once')

    const payKey = newKey()
    const url = `/api/orders/${first.json().orderNo}/pay`
    const paid = await post(token, url, payKey)
    assert.equal(paid.statusCode, 200, paid.body)
    const paidAgain = await post(token, url, payKey)
    assert.equal(paidAgain.body, paid.body)
    assert.equal(await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE member_id = $1 AND event_type = 'order'", [memberId]), 1)
    await assertLedgerConsistent(t.db, memberId)

    // A new key is a new order: the points are gone now, so it is refused and changes nothing.
    const before = await snapshot(t.db)
    assertApiError(await post(token, '/api/orders', newKey(), body), 'INSUFFICIENT_POINTS')
    assert.deepEqual(await snapshot(t.db), before)
  })
})
