import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { after, before, describe, test } from 'node:test'
import { earnPoints, returnPoints, reverseEarning, settleAccount, spendPoints } from '../src/modules/points/ledger'
import { queueExpiryReminders, sendExpiryReminders, settleDueAccounts } from '../src/modules/points/jobs'
import type { SubscribeMessage, WechatAdapter } from '../src/wechat'
import { devWechatAdapter, httpWechatAdapter } from '../src/wechat'
import { assertLedgerConsistent, bearer, count, DAY, newKey, newMember, startTestApp, type TestApp } from './helpers'

describe('points over time: pending, expiry, refunds', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp()
  })
  after(() => t.close())

  const balances = async (memberId: number) => {
    const { rows } = await t.db.query<{ balance: number; pending: number }>('SELECT balance, pending FROM point_accounts WHERE member_id = $1', [memberId])
    return rows[0]
  }
  const earn = (memberId: number, points: number, id: string, lockDays = 0, expiryDays = 365) =>
    earnPoints(t.db, { memberId, points, event: { type: 'test_earn', id }, reason: '测试获得', now: t.clock.now(), lockDays, expiryDays })
  const spend = (memberId: number, points: number, id: string) =>
    spendPoints(t.db, { memberId, points, event: { type: 'test_spend', id }, reason: '测试使用', now: t.clock.now() })

  test('points are usable up to the millisecond before expiry and expire at it, in an entry of their own', async () => {
    const { memberId } = await newMember(t)
    const joinedAt = t.clock.now().getTime()
    t.clock.set(joinedAt + 365 * DAY - 1)
    assert.deepEqual(await settleAccount(t.db, memberId, t.clock.now()), { balance: 100, pending: 0 })
    t.clock.set(joinedAt + 365 * DAY)
    assert.deepEqual(await settleAccount(t.db, memberId, t.clock.now()), { balance: 0, pending: 0 })
    const { rows } = await t.db.query<{ amount: number; reason: string }>(
      "SELECT amount, reason FROM point_entries WHERE member_id = $1 AND kind = 'expire'",
      [memberId]
    )
    assert.deepEqual(rows, [{ amount: -100, reason: '积分过期' }])
    await assert.rejects(spend(memberId, 100, `after-expiry-${memberId}`), { code: 'INSUFFICIENT_POINTS' })
    await assertLedgerConsistent(t.db, memberId)
    t.clock.set(joinedAt)
  })

  test('spending takes the soonest-expiring points first', async () => {
    const { memberId } = await newMember(t) // 100 expiring in 365 days
    await earn(memberId, 50, `soon-${memberId}`, 0, 30)
    await earn(memberId, 70, `late-${memberId}`, 0, 700)
    await spend(memberId, 120, `fifo-${memberId}`)
    const { rows } = await t.db.query<{ amount: number; remaining: number }>(
      'SELECT amount, remaining FROM point_lots WHERE member_id = $1 ORDER BY expires_at',
      [memberId]
    )
    assert.deepEqual(rows, [
      { amount: 50, remaining: 0 },
      { amount: 100, remaining: 30 },
      { amount: 70, remaining: 70 }
    ])
    await assertLedgerConsistent(t.db, memberId)
  })

  test("a till sale's points are pending for the return window, then usable", async () => {
    const { token, memberId } = await newMember(t)
    const code = (await t.app.inject({ method: 'GET', url: '/api/members/me/code', headers: bearer(token) })).json().code
    const sale = await t.app.inject({
      method: 'POST',
      url: '/api/cashier/sales',
      headers: { 'x-cashier-key': 'dev-cashier-key', 'idempotency-key': newKey() },
      payload: { storeCode: 'SH001', receiptNo: `PEND-${memberId}`, memberCode: code, goodsAmount: 30_000 }
    })
    assert.equal(sale.statusCode, 200, sale.body)
    assert.equal(sale.json().pointsEarned, 300)
    const summary = async () => (await t.app.inject({ method: 'GET', url: '/api/points/summary', headers: bearer(token) })).json()
    const before = await summary()
    assert.equal(before.balance, 100)
    assert.equal(before.pending.points, 300)
    assert.equal(before.pending.lots[0].availableAt, sale.json().pointsAvailableAt)
    await assert.rejects(spend(memberId, 150, `too-early-${memberId}`), { code: 'INSUFFICIENT_POINTS' })

    const start = t.clock.now().getTime()
    t.clock.set(start + 7 * DAY - 1)
    assert.equal((await summary()).pending.points, 300, 'still pending a millisecond before')
    t.clock.set(start + 7 * DAY)
    const after = await summary()
    assert.equal(after.balance, 400)
    assert.equal(after.pending.points, 0)
    await spend(memberId, 150, `in-time-${memberId}`)
    await assertLedgerConsistent(t.db, memberId)
    t.clock.set(start)
  })

  test('a refund within the return window voids the pending points', async () => {
    const { memberId } = await newMember(t)
    await earn(memberId, 240, `order-${memberId}`, 7)
    await reverseEarning(t.db, {
      memberId,
      earnEvent: { type: 'test_earn', id: `order-${memberId}` },
      event: { type: 'test_refund', id: `order-${memberId}` },
      reason: '退货扣回',
      now: t.clock.now()
    })
    assert.deepEqual(await balances(memberId), { balance: 100, pending: 0 })
    assert.equal(await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE member_id = $1 AND kind = 'void'", [memberId]), 1)
    await assertLedgerConsistent(t.db, memberId)
  })

  test('a refund after the earned points were spent leaves a debt that the next earning pays first', async () => {
    const { memberId } = await newMember(t)
    await earn(memberId, 300, `paid-${memberId}`)
    await spend(memberId, 350, `spent-${memberId}`)
    const reversal = { type: 'test_refund', id: `paid-${memberId}` }
    await reverseEarning(t.db, { memberId, earnEvent: { type: 'test_earn', id: `paid-${memberId}` }, event: reversal, reason: '退货扣回', now: t.clock.now() })
    assert.deepEqual(await balances(memberId), { balance: -250, pending: 0 })
    // Replaying the refund changes nothing.
    await reverseEarning(t.db, { memberId, earnEvent: { type: 'test_earn', id: `paid-${memberId}` }, event: reversal, reason: '退货扣回', now: t.clock.now() })
    assert.deepEqual(await balances(memberId), { balance: -250, pending: 0 })
    await assert.rejects(spend(memberId, 1, `in-debt-${memberId}`), { code: 'INSUFFICIENT_POINTS' })

    await earn(memberId, 400, `next-${memberId}`)
    assert.deepEqual(await balances(memberId), { balance: 150, pending: 0 })
    const { rows } = await t.db.query<{ remaining: number }>(
      `SELECT l.remaining FROM point_lots l JOIN point_entries e ON e.id = l.entry_id WHERE e.event_id = $1`,
      [`next-${memberId}`]
    )
    assert.equal(rows[0].remaining, 150, 'the debt took its share of the new lot')
    await assertLedgerConsistent(t.db, memberId)
  })

  test('points earned pending while in debt leave the debt as it is until they unlock, then pay it', async () => {
    const { memberId } = await newMember(t)
    await earn(memberId, 50, `paid-${memberId}`)
    await spend(memberId, 150, `spent-${memberId}`)
    await reverseEarning(t.db, { memberId, earnEvent: { type: 'test_earn', id: `paid-${memberId}` }, event: { type: 'test_refund', id: `paid-${memberId}` }, reason: '退货扣回', now: t.clock.now() })
    assert.deepEqual(await balances(memberId), { balance: -50, pending: 0 })
    await earn(memberId, 80, `pending-${memberId}`, 7)
    assert.deepEqual(await balances(memberId), { balance: -50, pending: 80 })
    await assertLedgerConsistent(t.db, memberId)
    const start = t.clock.now().getTime()
    t.clock.set(start + 7 * DAY)
    await settleAccount(t.db, memberId, t.clock.now())
    assert.deepEqual(await balances(memberId), { balance: 30, pending: 0 })
    await assertLedgerConsistent(t.db, memberId)
    t.clock.set(start)
  })

  test('points given back into a lot that expired meanwhile come back and expire at once', async () => {
    const { memberId } = await newMember(t)
    await spend(memberId, 100, `old-${memberId}`)
    const start = t.clock.now().getTime()
    t.clock.set(start + 400 * DAY)
    await returnPoints(t.db, {
      memberId,
      spendEvent: { type: 'test_spend', id: `old-${memberId}` },
      event: { type: 'test_return', id: `old-${memberId}` },
      reason: '退回',
      now: t.clock.now()
    })
    const { rows } = await t.db.query<{ kind: string; amount: number }>(
      "SELECT kind, amount FROM point_entries WHERE member_id = $1 AND kind IN ('return', 'expire') ORDER BY id",
      [memberId]
    )
    assert.deepEqual(rows, [
      { kind: 'return', amount: 100 },
      { kind: 'expire', amount: -100 }
    ])
    assert.deepEqual(await balances(memberId), { balance: 0, pending: 0 })
    await assertLedgerConsistent(t.db, memberId)
    t.clock.set(start)
  })

  test('the settle job, run by two replicas at once, unlocks and expires each lot once', async () => {
    const members = await Promise.all(Array.from({ length: 5 }, () => newMember(t)))
    for (const { memberId } of members) await earn(memberId, 50, `job-${memberId}`, 7)
    const later = new Date(t.clock.now().getTime() + 366 * DAY)
    await Promise.all([settleDueAccounts(t.db, later), settleDueAccounts(t.db, later)])
    for (const { memberId } of members) {
      assert.deepEqual(await balances(memberId), { balance: 0, pending: 0 })
      assert.equal(await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE member_id = $1 AND kind = 'unlock'", [memberId]), 1)
      assert.equal(await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE member_id = $1 AND kind = 'expire'", [memberId]), 2)
      await assertLedgerConsistent(t.db, memberId)
    }
  })
})

describe('expiry reminders through WeChat subscribe messages', () => {
  let fake: Server
  let t: TestApp
  const sent: SubscribeMessage[] = []

  before(async () => {
    fake = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk) => (body += chunk))
      req.on('end', () => {
        res.setHeader('content-type', 'application/json')
        if (req.url === '/cgi-bin/stable_token') return res.end(JSON.stringify({ access_token: 'fake-token', expires_in: 7200 }))
        if (req.url?.startsWith('/cgi-bin/message/subscribe/send?access_token=fake-token')) {
          const message = JSON.parse(body)
          sent.push({ openid: message.touser, templateId: message.template_id, page: message.page, data: message.data })
          return res.end(JSON.stringify({ errcode: 0 }))
        }
        res.statusCode = 404
        res.end('{"errcode":404}')
      })
    })
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve))
    const { port } = fake.address() as { port: number }
    // Logins through the dev stand-in; messages through the real HTTP adapter to the fake.
    const http = httpWechatAdapter({ appId: 'wxtest', secret: 's', apiBase: `http://127.0.0.1:${port}` })
    const wechat: WechatAdapter = { ...devWechatAdapter(), sendSubscribeMessage: (message) => http.sendSubscribeMessage(message) }
    t = await startTestApp({ wechat, env: { WX_EXPIRY_REMINDER_TEMPLATE_ID: 'tmpl-expiry' } })
  })
  after(async () => {
    await t.close()
    fake.close()
  })

  test('a member who allowed a reminder gets one message before points expire; others get none', async () => {
    const allowed = await newMember(t)
    const silent = await newMember(t) // has points expiring too, but never allowed a reminder
    const consent = await t.app.inject({
      method: 'POST',
      url: '/api/points/expiry-reminders',
      headers: { ...bearer(allowed.token), 'idempotency-key': newKey() },
      payload: { accepted: true }
    })
    assert.equal(consent.json().reminderCredits, 1)

    // On a shared database other people's reminders may go out too: look only at these two.
    const openidOf = async (memberId: number) =>
      (await t.db.query<{ openid: string }>('SELECT u.openid FROM users u JOIN members m ON m.user_id = u.id WHERE m.id = $1', [memberId]))
        .rows[0].openid
    const [allowedOpenid, silentOpenid] = [await openidOf(allowed.memberId), await openidOf(silent.memberId)]
    const messagesTo = (openid: string) => sent.filter((message) => message.openid === openid)

    const nearExpiry = new Date(t.clock.now().getTime() + 340 * DAY)
    const run = async () => {
      await queueExpiryReminders(t.db, nearExpiry)
      return sendExpiryReminders(t.db, t.app.services.wechat, 'tmpl-expiry', nearExpiry)
    }
    await Promise.all([run(), run()]) // two replicas at once
    assert.equal(messagesTo(allowedOpenid).length, 1)
    assert.equal(messagesTo(silentOpenid).length, 0)
    const [message] = messagesTo(allowedOpenid)
    assert.equal(message.templateId, 'tmpl-expiry')
    assert.equal(message.page, 'pages/points/index')
    assert.equal(message.data.number2.value, '100')

    const summary = await t.app.inject({ method: 'GET', url: '/api/points/summary', headers: bearer(allowed.token) })
    assert.equal(summary.json().reminderCredits, 0, 'the consent was used up')
    await run()
    assert.equal(messagesTo(allowedOpenid).length, 1, 'running the jobs again sends nothing new')
  })
})
