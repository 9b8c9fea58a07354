import assert from 'node:assert/strict'
import { after, afterEach, before, describe, test } from 'node:test'
import { issueMonthlyTierCoupons, postBirthdayGifts, reviewDueTiers, sendTierNotices } from '../src/modules/tiers/service'
import type { SubscribeMessage } from '../src/wechat'
import { devWechatAdapter } from '../src/wechat'
import {
  assertApiError,
  assertLedgerConsistent,
  count,
  DAY,
  memberCall,
  newKey,
  newMember,
  newSku,
  operatorCall,
  shippingAddress as address,
  startTestApp,
  type TestApp,
  userIdOf
} from './helpers'

describe('tiers', () => {
  let t: TestApp
  let start: Date
  before(async () => {
    t = await startTestApp()
    start = t.clock.now()
  })
  afterEach(() => t.clock.set(start))
  after(() => t.close())

  /** The same person signed in again at the clock's time: sessions last a week, these tests span years. */
  const fresh = (token: string) => t.app.services.sessions.issue({ userId: userIdOf(token) }, t.clock.now()).token

  /** A paid order of `yuan` (one unit of a SKU at that price); returns its number. */
  async function pay(staleToken: string, yuan: number): Promise<string> {
    const token = fresh(staleToken)
    const skuId = await newSku(t, yuan * 100, 1)
    const placed = await memberCall(t, token, 'POST', '/api/orders', { items: [{ skuId, quantity: 1 }], address })
    assert.equal(placed.statusCode, 200, placed.body)
    const paid = await memberCall(t, token, 'POST', `/api/orders/${placed.json().orderNo}/pay`)
    assert.equal(paid.statusCode, 200, paid.body)
    return placed.json().orderNo
  }
  const tierOf = async (token: string) => (await memberCall(t, fresh(token), 'GET', '/api/members/me/tier')).json()
  const changesOf = (memberId: number) =>
    t.db.query<{ from: string; to: string; kind: string }>('SELECT from_tier AS "from", to_tier AS "to", kind FROM tier_changes WHERE member_id = $1 ORDER BY id', [memberId])
  const setTier = (memberNo: string, tierCode: string) =>
    operatorCall(t, 'POST', `/api/admin/members/${memberNo}/tier`, { tierCode, reason: '测试调整' })

  test('999 growth is 普通会员, 1,000 is 银卡 at once; the next order earns ×1.2 points', async () => {
    const { token, memberId } = await newMember(t)
    await pay(token, 999)
    assert.deepEqual([(await tierOf(token)).tier.code, (await tierOf(token)).growth, (await tierOf(token)).growthToNext], ['normal', 999, 1])
    await pay(token, 1)
    const silver = await tierOf(token)
    assert.deepEqual([silver.tier.code, silver.growth, silver.nextTier.code, silver.growthToNext], ['silver', 1000, 'gold', 4000])
    assert.deepEqual((await changesOf(memberId)).rows, [{ from: 'normal', to: 'silver', kind: 'upgrade' }])
    const orderNo = await pay(token, 100)
    const order = (await memberCall(t, token, 'GET', `/api/orders/${orderNo}`)).json()
    assert.equal(order.pointsEarned, 120)
    // Only whole yuan earn: ¥9.99 is 9 × 1.2 = 10.8 → 10, in the preview and when paid.
    const skuId = await newSku(t, 999, 1)
    const preview = await memberCall(t, fresh(token), 'POST', '/api/orders/preview', { items: [{ skuId, quantity: 1 }] })
    assert.equal(preview.json().pointsToEarn, 10, preview.body)
    const placed = await memberCall(t, fresh(token), 'POST', '/api/orders', { items: [{ skuId, quantity: 1 }], address })
    assert.equal((await memberCall(t, fresh(token), 'POST', `/api/orders/${placed.json().orderNo}/pay`)).statusCode, 200)
    assert.equal((await memberCall(t, fresh(token), 'GET', `/api/orders/${placed.json().orderNo}`)).json().pointsEarned, 10)
  })

  test('one order can jump several tiers, logged as one change; the card celebrates it once', async () => {
    const { token, memberId } = await newMember(t)
    await pay(token, 5200)
    assert.equal((await tierOf(token)).tier.code, 'gold')
    assert.deepEqual((await changesOf(memberId)).rows, [{ from: 'normal', to: 'gold', kind: 'upgrade' }])
    const card = (await memberCall(t, token, 'GET', '/api/members/me')).json()
    assert.equal(card.celebrate.code, 'gold')
    assert.equal((await memberCall(t, token, 'POST', '/api/members/me/tier/celebrated', { rank: 2 })).statusCode, 200)
    assert.equal((await memberCall(t, token, 'GET', '/api/members/me')).json().celebrate, null)
  })

  test('a refund that drops growth below the threshold keeps the tier until the review', async () => {
    const { token } = await newMember(t)
    await pay(token, 600)
    const second = await pay(token, 500)
    assert.equal((await tierOf(token)).tier.code, 'silver')
    const refunded = await memberCall(t, token, 'POST', `/api/orders/${second}/refund`, { reason: '不想要了' })
    assert.equal(refunded.statusCode, 200, refunded.body)
    const after = await tierOf(token)
    assert.deepEqual([after.tier.code, after.growth], ['silver', 600])
    assert.ok(after.review.at, 'the review date is shown')
  })

  test('growth entries add up to the member\'s growth, also when a refund finds less growth left than it would take', async () => {
    const { token, memberId } = await newMember(t)
    const till = (url: string, payload?: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url, headers: { 'x-cashier-key': 'dev-cashier-key', 'idempotency-key': newKey() }, ...(payload && { payload }) })
    const sale = async (receiptNo: string, goodsAmount: number) => {
      const code = (await memberCall(t, fresh(token), 'GET', '/api/members/me/code')).json().code
      const sold = await till('/api/cashier/sales', { storeCode: 'SH001', receiptNo, memberCode: code, goodsAmount })
      assert.equal(sold.statusCode, 200, sold.body)
    }
    const growth = async () => {
      const { rows } = await t.db.query<{ growth: number; entries: number }>(
        `SELECT growth, (SELECT COALESCE(sum(amount), 0)::int FROM growth_entries WHERE member_id = $1) AS entries FROM members WHERE id = $1`,
        [memberId]
      )
      return [rows[0].growth, rows[0].entries]
    }
    await sale(`G1-${memberId}`, 100_000) // 1,000 growth: 银卡, reviewed a year from now
    t.clock.advance(200 * DAY)
    await sale(`G2-${memberId}`, 30_000)
    assert.deepEqual(await growth(), [1300, 1300])
    // 300 in the last 12 months misses 银卡's keep threshold of 500: down to 普通会员, 1,000 lapses.
    assert.ok((await reviewDueTiers(t.db, new Date(start.getTime() + 366 * DAY))).lowered >= 1)
    assert.deepEqual(await growth(), [300, 300])
    t.clock.set(new Date(start.getTime() + 400 * DAY))
    // The first sale's refund would take 1,000; only 300 is left, and that is what its entry says.
    assert.equal((await till(`/api/cashier/sales/SH001/G1-${memberId}/refund`)).statusCode, 200)
    assert.deepEqual(await growth(), [0, 0])
    const { rows } = await t.db.query<{ amount: number }>("SELECT amount FROM growth_entries WHERE member_id = $1 AND event_type = 'store_refund'", [memberId])
    assert.deepEqual(rows, [{ amount: -300 }])
    // With growth at 0 a refund takes nothing and posts no entry (an entry is never 0).
    assert.equal((await till(`/api/cashier/sales/SH001/G2-${memberId}/refund`)).statusCode, 200)
    assert.deepEqual(await growth(), [0, 0])
    await sale(`G3-${memberId}`, 5_000)
    assert.deepEqual(await growth(), [50, 50], 'the next payment counts in full')
    await assertLedgerConsistent(t.db, memberId)
  })

  test('the yearly review keeps a tier whose keep threshold was reached and lowers the others by one; lapsed growth does not lift back at once', async () => {
    const keeper = await newMember(t)
    const loser = await newMember(t)
    const gold = await newMember(t)
    await pay(keeper.token, 1000)
    await pay(loser.token, 1000)
    assert.equal((await setTier(gold.memberNo, 'gold')).statusCode, 200)
    t.clock.advance(180 * DAY)
    await pay(keeper.token, 600)
    await pay(loser.token, 100)
    const reviewDay = new Date(start.getTime() + 366 * DAY)
    assert.deepEqual(await reviewDueTiers(t.db, new Date(start.getTime() + 300 * DAY)), { kept: 0, lowered: 0 }, 'nothing is due before the anniversary')
    const result = await reviewDueTiers(t.db, reviewDay)
    assert.ok(result.kept >= 1 && result.lowered >= 2)
    t.clock.set(reviewDay)

    const kept = await tierOf(keeper.token)
    assert.equal(kept.tier.code, 'silver')
    assert.equal(new Date(kept.review.at).getUTCFullYear(), start.getUTCFullYear() + 2)
    const lowered = await tierOf(loser.token)
    assert.deepEqual([lowered.tier.code, lowered.growth, lowered.review], ['normal', 100, null])
    await pay(loser.token, 10)
    assert.equal((await tierOf(loser.token)).tier.code, 'normal', '110 growth is 普通会员')
    assert.equal((await tierOf(gold.token)).tier.code, 'silver', 'one tier down, not to the bottom')
    assert.deepEqual((await changesOf(keeper.memberId)).rows.map((c) => c.kind), ['upgrade', 'review_keep'])
    assert.deepEqual((await changesOf(loser.memberId)).rows.map((c) => c.kind), ['upgrade', 'review_downgrade'])
    assert.deepEqual((await changesOf(gold.memberId)).rows.map((c) => c.kind), ['operator', 'review_downgrade'])
  })

  test('the birthday is set once by the member; an operator corrects it, audited; bad dates are refused', async () => {
    const { token, memberId, memberNo } = await newMember(t)
    assertApiError(await memberCall(t, token, 'POST', '/api/members/me/birthday', { birthday: '1990-02-30' }), 'VALIDATION_FAILED')
    assertApiError(await memberCall(t, token, 'POST', '/api/members/me/birthday', { birthday: '2099-01-01' }), 'VALIDATION_FAILED')
    const set = await memberCall(t, token, 'POST', '/api/members/me/birthday', { birthday: '1990-05-20' })
    assert.equal(set.json().birthday, '1990-05-20')
    assertApiError(await memberCall(t, token, 'POST', '/api/members/me/birthday', { birthday: '1991-05-20' }), 'BIRTHDAY_ALREADY_SET')
    const corrected = await operatorCall(t, 'POST', `/api/admin/members/${memberNo}/birthday`, { birthday: '1991-05-20', reason: '会员来电更正' })
    assert.equal(corrected.json().birthday, '1991-05-20')
    assert.equal(await count(t.db, "SELECT count(*) AS n FROM member_audit WHERE member_id = $1 AND old_value = '1990-05-20'", [memberId]), 1)
    assertApiError(await setTier(memberNo, 'platinum'), 'TIER_NOT_FOUND')
  })

  test('the birthday-month gift posts once a year, even with the job run twice at once; 普通会员 get none', async () => {
    const silver = await newMember(t)
    const normal = await newMember(t)
    await setTier(silver.memberNo, 'silver')
    const month = new Date(start.getTime() + 8 * 3600_000).toISOString().slice(5, 7)
    for (const member of [silver, normal]) {
      assert.equal((await memberCall(t, member.token, 'POST', '/api/members/me/birthday', { birthday: `1990-${month}-01` })).statusCode, 200)
    }
    await Promise.all([postBirthdayGifts(t.db, start), postBirthdayGifts(t.db, start)])
    await postBirthdayGifts(t.db, new Date(start.getTime() + DAY))
    const gifts = (memberId: number) => count(t.db, "SELECT count(*) AS n FROM point_entries WHERE event_type = 'birthday_gift' AND member_id = $1", [memberId])
    assert.equal(await gifts(silver.memberId), 1)
    assert.equal(await gifts(normal.memberId), 0)
    const balance = (await memberCall(t, silver.token, 'GET', '/api/points/summary')).json().balance
    assert.equal(balance, 100 + 200, 'welcome gift + 银卡 birthday gift, usable at once')
    await postBirthdayGifts(t.db, new Date(start.getTime() + 365 * DAY))
    assert.equal(await gifts(silver.memberId), 2, 'again the next year')
    await assertLedgerConsistent(t.db, silver.memberId)
  })

  test('金卡 members get the monthly tier coupon once a month', async () => {
    const { token, memberNo } = await newMember(t)
    await setTier(memberNo, 'gold')
    await Promise.all([issueMonthlyTierCoupons(t.db, start), issueMonthlyTierCoupons(t.db, start)])
    const monthly = async () => (await memberCall(t, token, 'GET', '/api/coupons')).json().items.filter((c: { name: string }) => c.name === '金卡月度券').length
    assert.equal(await monthly(), 1)
    await issueMonthlyTierCoupons(t.db, new Date(start.getTime() + 32 * DAY))
    assert.equal(await monthly(), 2)
  })

  test('a tier-up sends one subscribe message when the member allowed it', async () => {
    const { token } = await newMember(t)
    assert.equal((await memberCall(t, token, 'POST', '/api/members/me/tier/notices', { accepted: true })).json().noticeCredits, 1)
    await pay(token, 1000)
    const sent: SubscribeMessage[] = []
    const wechat = { ...devWechatAdapter(), sendSubscribeMessage: async (message: SubscribeMessage) => (sent.push(message), true) }
    await sendTierNotices(t.db, wechat, 'tier-template', start)
    await sendTierNotices(t.db, wechat, 'tier-template', start)
    assert.deepEqual(sent.map((m) => [m.templateId, m.data.thing1.value]), [['tier-template', '恭喜升级为银卡']], 'sent once')
    assert.equal((await memberCall(t, token, 'POST', '/api/members/me/tier/notices', { accepted: false })).json().noticeCredits, 0)
  })
})
