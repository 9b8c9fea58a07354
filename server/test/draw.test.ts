import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, afterEach, before, describe, test } from 'node:test'
import { pickByWeight } from '../src/modules/draw/service'
import {
  assertApiError,
  assertLedgerConsistent,
  bearer,
  count,
  DAY,
  givePoints,
  HOUR,
  memberCall,
  newMember,
  operatorCall,
  shippingAddress as address,
  snapshot,
  startTestApp,
  type TestApp
} from './helpers'

type PrizeInput = { name: string; kind: 'points' | 'coupon' | 'physical' | 'thanks'; weight: number; points?: number; couponTemplateId?: number; stock?: number; perMemberCap?: number }

const thanks: PrizeInput = { name: '谢谢参与', kind: 'thanks', weight: 1 }
const filler = (n: number): PrizeInput[] => Array.from({ length: n }, (_, i) => ({ name: `${i + 1} 积分`, kind: 'points', points: i + 1, weight: 0 }))

/** Pearson's chi-square statistic of observed counts against expected ones. */
const chiSquare = (observed: number[], expected: number[]) => observed.reduce((sum, o, i) => sum + (o - expected[i]) ** 2 / expected[i], 0)

describe('lucky draw', () => {
  let t: TestApp
  let start: Date
  before(async () => {
    t = await startTestApp()
    start = t.clock.now()
  })
  afterEach(() => t.clock.set(start))
  after(() => t.close())

  async function newActivity(prizes: PrizeInput[], options: Record<string, unknown> = {}): Promise<string> {
    const code = `t-${randomUUID().slice(0, 8)}`
    const response = await operatorCall(t, 'POST', '/api/admin/draw/activities', {
      code,
      name: '测试抽奖',
      startsAt: new Date(start.getTime() - HOUR).toISOString(),
      endsAt: new Date(start.getTime() + 30 * DAY).toISOString(),
      costPoints: 50,
      freeDrawsPerDay: 0,
      dailyLimit: 10,
      claimDays: 7,
      rules: '测试规则',
      prizes,
      ...options
    })
    assert.equal(response.statusCode, 200, response.body)
    return code
  }
  const drawOnce = (token: string, code: string, key = `draw-${randomUUID()}`) =>
    t.app.inject({ method: 'POST', url: `/api/draw/activities/${code}/draws`, headers: { ...bearer(token), 'idempotency-key': key } })
  const balanceOf = async (memberId: number) =>
    (await t.db.query<{ balance: number }>('SELECT balance FROM point_accounts WHERE member_id = $1', [memberId])).rows[0].balance

  test('20,000 picks follow the weights (chi-square, p < 1e-6 to fail by chance)', () => {
    const weights = [150, 100, 400, 250, 5, 60, 30, 5]
    const prizes = weights.map((weight, slot) => ({ slot, weight }))
    const observed = new Array<number>(weights.length).fill(0)
    for (let i = 0; i < 20_000; i++) observed[pickByWeight(prizes)!.slot] += 1
    const total = weights.reduce((a, b) => a + b, 0)
    const expected = weights.map((w) => (20_000 * w) / total)
    // 41.9: the chi-square quantile for 7 degrees of freedom at 1 − 1e-6.
    assert.ok(chiSquare(observed, expected) < 41.9, `chi-square ${chiSquare(observed, expected)} for ${observed}`)
    for (const [i, o] of observed.entries()) {
      const sd = Math.sqrt(20_000 * (weights[i] / total) * (1 - weights[i] / total))
      assert.ok(Math.abs(o - expected[i]) < 5 * sd, `prize ${i}: ${o} vs ${expected[i]}`)
    }
    assert.equal(pickByWeight([{ weight: 0 }]), null)
  })

  test('a prize is never won beyond its stock or a member beyond its cap; when it is gone, draws fall back to 谢谢参与', async () => {
    const code = await newActivity([{ name: '耳机', kind: 'physical', weight: 1000, stock: 3, perMemberCap: 1 }, thanks, ...filler(6)], { costPoints: 0 })
    const members = await Promise.all(Array.from({ length: 5 }, () => newMember(t)))
    const results: string[] = []
    for (const member of members) {
      for (let i = 0; i < 3; i++) {
        const response = await drawOnce(member.token, code)
        assert.equal(response.statusCode, 200, response.body)
        results.push(`${member.memberNo}:${response.json().prize.name}`)
      }
    }
    const wins = results.filter((r) => r.endsWith(':耳机'))
    assert.equal(wins.length, 3)
    assert.equal(new Set(wins).size, 3, 'no member won it twice')
    assert.equal(await count(t.db, "SELECT stock AS n FROM draw_prizes p JOIN draw_activities a ON a.id = p.activity_id WHERE a.code = $1 AND p.slot = 0", [code]), 0)
  })

  test('the first draw of the day is free, then each costs 50 积分; the 11th of a day is refused, the next day it resets', async () => {
    const code = await newActivity([{ name: '10 积分', kind: 'points', points: 10, weight: 1 }, { ...thanks, weight: 0 }, ...filler(6)], { freeDrawsPerDay: 1, dailyLimit: 3 })
    const { token, memberId, memberNo } = await newMember(t)
    await givePoints(t, memberNo, 100) // 100 welcome + 100
    const first = (await drawOnce(token, code)).json()
    assert.deepEqual([first.free, first.pointsSpent, first.balance, first.freeDrawsLeftToday, first.drawsLeftToday], [true, 0, 210, 0, 2])
    const second = (await drawOnce(token, code)).json()
    assert.deepEqual([second.free, second.pointsSpent, second.balance], [false, 50, 210 - 50 + 10])
    await drawOnce(token, code)
    const before = await snapshot(t.db)
    assertApiError(await drawOnce(token, code), 'DRAW_DAILY_LIMIT')
    assert.deepEqual(await snapshot(t.db), before, 'a refused draw changes nothing')
    t.clock.advance(DAY)
    const activity = (await memberCall(t, token, 'GET', `/api/draw/activities/${code}`)).json()
    assert.deepEqual([activity.me.freeDrawsLeftToday, activity.me.drawsLeftToday, activity.me.blockedReason], [1, 3, null])
    assert.equal((await drawOnce(token, code)).json().free, true)
    await assertLedgerConsistent(t.db, memberId)
  })

  test('not enough points, outside the window, a tier too low or the total limit: refused with nothing changed', async () => {
    const code = await newActivity([{ name: '10 积分', kind: 'points', points: 10, weight: 1 }, thanks, ...filler(6)], { costPoints: 150, totalLimit: 1 })
    const { token, memberNo } = await newMember(t)
    const before = await snapshot(t.db)
    assertApiError(await drawOnce(token, code), 'INSUFFICIENT_POINTS')
    assert.deepEqual(await snapshot(t.db), before)
    await givePoints(t, memberNo, 1000)
    assert.equal((await drawOnce(token, code)).statusCode, 200)
    assertApiError(await drawOnce(token, code), 'DRAW_TOTAL_LIMIT')

    const later = await newActivity([thanks, ...filler(7)], { startsAt: new Date(start.getTime() + DAY).toISOString() })
    assertApiError(await drawOnce(token, later), 'DRAW_NOT_OPEN')
    assert.equal((await memberCall(t, token, 'GET', `/api/draw/activities/${later}`)).json().me.blockedReason, '不在活动时间内')
    const goldOnly = await newActivity([thanks, ...filler(7)], { minTierRank: 2 })
    assertApiError(await drawOnce(token, goldOnly), 'DRAW_TIER_REQUIRED')
  })

  test('a retried draw with the same key returns the first result and draws once', async () => {
    const code = await newActivity([{ name: '10 积分', kind: 'points', points: 10, weight: 1 }, { ...thanks, weight: 1 }, ...filler(6)])
    const { token, memberId } = await newMember(t)
    const first = await drawOnce(token, code, 'same-draw-key-1')
    assert.equal(first.statusCode, 200, first.body)
    const retried = await drawOnce(token, code, 'same-draw-key-1')
    assert.equal(retried.json().drawNo, first.json().drawNo)
    assert.equal(await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE event_type = 'draw' AND member_id = $1", [memberId]), 1)
    await assertLedgerConsistent(t.db, memberId)
  })

  test('points are credited at once, a coupon lands in 我的优惠券, a gift waits for an address within its window', async () => {
    const template = await operatorCall(t, 'POST', '/api/admin/coupon-templates', {
      name: '抽奖券',
      rule: { kind: 'amount', amountOff: 500, threshold: 0 },
      validity: { days: 7 },
      perMemberLimit: 5
    })
    const couponOnly = await newActivity([{ name: '抽奖券', kind: 'coupon', couponTemplateId: template.json().id, weight: 1 }, { ...thanks, weight: 0 }, ...filler(6)], { costPoints: 0 })
    const giftOnly = await newActivity([{ name: '保温杯', kind: 'physical', weight: 1, stock: 5 }, { ...thanks, weight: 0 }, ...filler(6)], { costPoints: 0 })
    const { token } = await newMember(t)

    const coupon = (await drawOnce(token, couponOnly)).json()
    assert.equal(coupon.prize.kind, 'coupon')
    assert.deepEqual((await memberCall(t, token, 'GET', '/api/coupons')).json().items.map((c: { name: string }) => c.name), ['抽奖券'])

    const gift = (await drawOnce(token, giftOnly)).json()
    assert.equal(gift.prize.name, '保温杯')
    assert.equal(new Date(gift.claimDeadline).getTime(), start.getTime() + 7 * DAY)
    const second = (await drawOnce(token, giftOnly)).json()
    const prizes = async () => (await memberCall(t, token, 'GET', '/api/draw/prizes')).json().items
    assert.deepEqual((await prizes()).map((p: { prize: { name: string }; status: string }) => [p.prize.name, p.status]), [
      ['保温杯', 'to_claim'],
      ['保温杯', 'to_claim'],
      ['抽奖券', 'awarded']
    ])

    const claimed = await memberCall(t, token, 'POST', `/api/draw/prizes/${gift.drawNo}/claim`, { address })
    assert.equal(claimed.json().status, 'claimed')
    const shipped = await operatorCall(t, 'POST', `/api/admin/draw/prizes/${gift.drawNo}/ship`, { carrier: '顺丰速运', trackingNo: 'SF0000111122' })
    assert.deepEqual([shipped.json().status, shipped.json().shipping.trackingNo], ['shipped', 'SF0000111122'])

    t.clock.advance(7 * DAY)
    assertApiError(await memberCall(t, token, 'POST', `/api/draw/prizes/${second.drawNo}/claim`, { address }), 'PRIZE_NOT_CLAIMABLE')
    assert.deepEqual((await prizes()).map((p: { status: string }) => p.status), ['expired', 'shipped', 'awarded'])
  })

  test('more than 20 draws in 10 seconds by one member are refused as too frequent', async () => {
    const code = await newActivity([thanks, ...filler(7)], { costPoints: 0, dailyLimit: 1000 })
    const { token } = await newMember(t)
    const answers = []
    for (let i = 0; i < 21; i++) answers.push(await drawOnce(token, code))
    assert.equal(answers.filter((a) => a.statusCode === 200).length, 20)
    assertApiError(answers[20], 'RATE_LIMITED')
  })

  test('1,000 draws at once by 100 members against a prize of stock 10: exactly 10 awarded, every draw charged once', async () => {
    const code = await newActivity([{ name: '限量公仔', kind: 'physical', weight: 100, stock: 10 }, thanks, ...filler(6)], { dailyLimit: 10 })
    const members = await Promise.all(Array.from({ length: 100 }, () => newMember(t)))
    for (const member of members) await givePoints(t, member.memberNo, 400) // 100 welcome + 400 = 10 draws
    const answers = await Promise.all(members.flatMap((member) => Array.from({ length: 10 }, () => drawOnce(member.token, code))))
    for (const answer of answers) assert.equal(answer.statusCode, 200, answer.body)
    assert.equal(answers.filter((a) => a.json().prize.name === '限量公仔').length, 10)
    const { rows } = await t.db.query<{ stock: number; draws: number; awarded: number }>(
      `SELECT p.stock, (SELECT count(*)::int FROM draws d WHERE d.activity_id = a.id) AS draws,
              (SELECT count(*)::int FROM draws d WHERE d.prize_id = p.id) AS awarded
       FROM draw_activities a JOIN draw_prizes p ON p.activity_id = a.id AND p.slot = 0 WHERE a.code = $1`,
      [code]
    )
    assert.deepEqual(rows[0], { stock: 0, draws: 1000, awarded: 10 })
    for (const member of members) {
      assert.equal(await balanceOf(member.memberId), 0)
      assert.equal(await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE event_type = 'draw' AND member_id = $1", [member.memberId]), 10)
      await assertLedgerConsistent(t.db, member.memberId)
    }
  })
})
