import assert from 'node:assert/strict'
import { after, afterEach, before, describe, test } from 'node:test'
import { devWechatAdapter } from '../src/wechat'
import {
  assertApiError,
  assertLedgerConsistent,
  bearer,
  count,
  DAY,
  memberCall,
  newKey,
  newMember,
  operatorCall,
  startTestApp,
  type TestApp
} from './helpers'

describe('referral invites', () => {
  let t: TestApp
  let start: Date
  /** getUserRiskRank's answer, per test. */
  let riskRank = 0
  let codeImagesDrawn = 0
  before(async () => {
    t = await startTestApp({
      wechat: {
        ...devWechatAdapter(),
        userRiskRank: async () => riskRank,
        miniProgramCode: async (request) => {
          codeImagesDrawn += 1
          return devWechatAdapter().miniProgramCode(request)
        }
      }
    })
    start = t.clock.now()
  })
  afterEach(() => {
    riskRank = 0
    t.clock.set(start)
  })
  after(() => t.close())

  const codeOf = async (token: string) => (await memberCall(t, token, 'GET', '/api/referral/me')).json().code as string
  const visit = (token: string, code: string, channel = 'card') => memberCall(t, token, 'POST', '/api/referral/visits', { code, channel })
  const joinOnline = (token: string, key = newKey()) =>
    t.app.inject({ method: 'POST', url: '/api/members/join', headers: { ...bearer(token), 'idempotency-key': key }, payload: {} })
  const balanceOf = async (memberId: number) =>
    (await t.db.query<{ balance: number }>('SELECT balance FROM point_accounts WHERE member_id = $1', [memberId])).rows[0].balance

  /** A new person (logged in, never a member) arriving through `code` and joining. */
  async function invitedFriend(code: string, nickname?: string) {
    const token = await t.login()
    if (nickname) await memberCall(t, token, 'POST', '/api/referral/nickname', { nickname })
    assert.deepEqual((await visit(token, code)).json(), { bound: true, reason: null })
    const joined = await joinOnline(token)
    assert.equal(joined.statusCode, 200, joined.body)
    return { token, memberNo: joined.json().card.memberNo as string }
  }

  test('a friend who joins through an invite earns the inviter 50 积分 and gets the new-member coupon, once', async () => {
    const inviter = await newMember(t)
    const code = await codeOf(inviter.token)
    assert.match(code, /^[2-9A-HJKMNP-Z]{6}$/)
    const friendToken = await t.login()
    await memberCall(t, friendToken, 'POST', '/api/referral/nickname', { nickname: '李小龙' })
    const landing = (await memberCall(t, friendToken, 'GET', `/api/referral/landing/${code}`)).json()
    assert.deepEqual([landing.eligible, landing.friendCoupon.name], [true, '新人专享券'])
    await visit(friendToken, code)
    const key = newKey()
    const joined = await joinOnline(friendToken, key)
    assert.equal(joined.json().card.joinedStore, null, 'joined online')
    assert.equal((await joinOnline(friendToken, key)).body, joined.body, 'a retried join answers the same')
    assert.equal((await joinOnline(friendToken)).json().joinedNow, false)

    assert.equal(await balanceOf(inviter.memberId), 100 + 50)
    const coupons = (await memberCall(t, friendToken, 'GET', '/api/coupons')).json().items
    assert.deepEqual(coupons.map((c: { name: string }) => c.name), ['新人专享券'])
    const records = (await memberCall(t, inviter.token, 'GET', '/api/referral/invites')).json().items
    assert.deepEqual(records.map((r: { friend: string; status: string; points: number }) => [r.friend, r.status, r.points]), [['李**', 'joined', 50]])
    const summary = (await memberCall(t, inviter.token, 'GET', '/api/referral/me')).json()
    assert.deepEqual([summary.invitedCount, summary.pointsEarned, summary.scene], [1, 50, `i=${code}`])
    assert.equal(await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE event_type = 'referral' AND member_id = $1", [inviter.memberId]), 1)
    await assertLedgerConsistent(t.db, inviter.memberId)
  })

  test('no self-invite, no members, no second inviter, and so no cycles: A→B then B→A is refused', async () => {
    const a = await newMember(t)
    const codeA = await codeOf(a.token)
    assert.deepEqual((await visit(a.token, codeA)).json(), { bound: false, reason: '不能邀请自己' })
    const b = await invitedFriend(codeA)
    const codeB = await codeOf(b.token)
    assert.deepEqual((await visit(a.token, codeB)).json(), { bound: false, reason: '已是会员' })
    const member = await newMember(t)
    assert.deepEqual((await visit(member.token, codeA)).json(), { bound: false, reason: '已是会员' })
    const asMember = (await memberCall(t, member.token, 'GET', `/api/referral/landing/${codeA}`)).json()
    assert.deepEqual([asMember.eligible, asMember.reason, asMember.member], [false, '已是会员', true])

    const c = await newMember(t)
    const visitor = await t.login()
    await visit(visitor, codeA)
    const codeC = await codeOf(c.token)
    assert.deepEqual((await visit(visitor, codeC)).json(), { bound: false, reason: '已接受过其他好友的邀请' }, 'the first invite wins')
    const asInvited = (await memberCall(t, visitor, 'GET', `/api/referral/landing/${codeC}`)).json()
    assert.deepEqual([asInvited.eligible, asInvited.reason, asInvited.member], [false, '已接受过其他好友的邀请', false], 'may still join, without this gift')
    assertApiError(await visit(visitor, 'ZZZZZ2'), 'INVITE_NOT_FOUND')
    assertApiError(await visit(visitor, 'bad'), 'VALIDATION_FAILED')
  })

  test('two inviters racing for one person: one binding, one reward at most', async () => {
    const [a, b] = [await newMember(t), await newMember(t)]
    const [codeA, codeB] = [await codeOf(a.token), await codeOf(b.token)]
    for (let round = 0; round < 5; round++) {
      const friend = await t.login()
      const answers = await Promise.all([visit(friend, codeA), visit(friend, codeB)])
      assert.equal(answers.filter((answer) => answer.json().bound).length, 1)
      await Promise.all([joinOnline(friend), joinOnline(friend)])
    }
    const rewards = await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE event_type = 'referral' AND member_id IN ($1, $2)", [a.memberId, b.memberId])
    assert.equal(rewards, 5)
    assert.equal((await balanceOf(a.memberId)) + (await balanceOf(b.memberId)), 200 + 5 * 50)
  })

  test('the 21st rewarded invite of a day is recorded as 不符合条件; the next day rewards again', async () => {
    const inviter = await newMember(t)
    const code = await codeOf(inviter.token)
    for (let i = 0; i < 21; i++) await invitedFriend(code)
    const records = (await memberCall(t, inviter.token, 'GET', '/api/referral/invites')).json().items
    assert.equal(records.filter((r: { status: string }) => r.status === 'joined').length, 20)
    const refused = records.find((r: { status: string }) => r.status === 'ineligible')
    assert.deepEqual([refused.reason, refused.points], ['邀请人今日奖励已达上限（20 人）', 0])
    assert.equal(await balanceOf(inviter.memberId), 100 + 20 * 50)
    t.clock.advance(DAY)
    await invitedFriend(code)
    assert.equal(await balanceOf(inviter.memberId), 100 + 21 * 50)
  })

  test('a risky friend holds the reward for review; an operator releases it once', async () => {
    const inviter = await newMember(t)
    riskRank = 4
    const friend = await invitedFriend(await codeOf(inviter.token), '赵六')
    assert.equal(await balanceOf(inviter.memberId), 100)
    const [held] = (await memberCall(t, inviter.token, 'GET', '/api/referral/invites')).json().items
    assert.deepEqual([held.status, held.reason, held.points], ['joined', '风险审核中', 0])
    const released = await operatorCall(t, 'POST', `/api/admin/referral/invites/${friend.memberNo}/release`)
    assert.deepEqual([released.json().reason, released.json().points], [null, 50])
    assert.equal(await balanceOf(inviter.memberId), 150)
    assertApiError(await operatorCall(t, 'POST', `/api/admin/referral/invites/${friend.memberNo}/release`), 'INVITE_NOT_FOUND')
  })

  test("the poster's mini-program code is drawn once and kept", async () => {
    const { token } = await newMember(t)
    const before = codeImagesDrawn
    const first = (await memberCall(t, token, 'GET', '/api/referral/me/code-image')).json().dataUrl
    const second = (await memberCall(t, token, 'GET', '/api/referral/me/code-image')).json().dataUrl
    assert.match(first, /^data:image\/gif;base64,/)
    assert.equal(second, first)
    assert.equal(codeImagesDrawn - before, 1)
  })

  test('shares, visits and joins are counted per inviter and channel; the weekly board ranks inviters', async () => {
    const inviter = await newMember(t)
    const code = await codeOf(inviter.token)
    const share = (await memberCall(t, inviter.token, 'POST', '/api/referral/shares', { channel: 'poster' })).json().shareId
    const friend = await t.login()
    await memberCall(t, friend, 'POST', '/api/referral/visits', { code, channel: 'poster', shareId: share })
    await joinOnline(friend)
    await visit(await t.login(), code, 'card')
    const from = new Date(start.getTime() - DAY).toISOString()
    const to = new Date(start.getTime() + DAY).toISOString()
    const report = (await operatorCall(t, 'GET', `/api/admin/referral/report?from=${from}&to=${to}`)).json().items
    const mine = report.filter((row: { memberNo: string }) => row.memberNo === inviter.memberNo)
    assert.deepEqual(mine.map((r: Record<string, unknown>) => [r.channel, r.shares, r.visits, r.joins]).sort(), [
      ['card', 0, 1, 0],
      ['poster', 1, 1, 1]
    ])
    const board = (await memberCall(t, inviter.token, 'GET', '/api/referral/leaderboard')).json()
    assert.ok(board.me.rank >= 1)
    assert.equal(board.me.invites, 1)
    assert.ok(board.items.every((item: { name: string }) => /\*\*/.test(item.name)), 'names are masked')
  })
})
