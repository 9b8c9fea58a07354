import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { assertApiError, bearer, count, snapshot, startTestApp, userIdOf, type TestApp } from './helpers'

const NORMAL = { code: 'normal', name: '普通会员', rank: 0, growthThreshold: 0 }
const SILVER = { code: 'silver', name: '银卡', rank: 1, growthThreshold: 1000 }

describe('joining membership', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp()
  })
  after(() => t.close())

  const memberRow = async (token: string) => {
    const { rows } = await t.db.query<{ id: number; store: string | null; staff: string | null; joined_at: Date }>(
      `SELECT m.id, s.code AS store, st.code AS staff, m.joined_at
       FROM members m LEFT JOIN stores s ON s.id = m.joined_store_id LEFT JOIN staff st ON st.id = m.joined_staff_id
       WHERE m.user_id = $1`,
      [userIdOf(token)]
    )
    return rows
  }
  const welcomeEntries = (memberId: number) =>
    t.db.query<{ amount: number; balance_after: number; kind: string }>(
      "SELECT amount, balance_after, kind FROM point_entries WHERE member_id = $1 AND event_type = 'welcome_gift'",
      [memberId]
    )
  const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/members/me', headers: bearer(token) })

  test('joining through a staff member: the card, the welcome gift and the attribution', async () => {
    const token = await t.login()
    const response = await t.join(token, { storeCode: 'SH001', staffCode: 'E07' })
    assert.equal(response.statusCode, 200, response.body)
    const { card, joinedNow, welcomePoints } = response.json()
    assert.equal(joinedNow, true)
    assert.equal(welcomePoints, 100)
    assert.match(card.memberNo, /^\d{8,}$/)
    assert.equal(card.joinedAt, t.clock.now().toISOString())
    assert.deepEqual(card.joinedStore, { code: 'SH001', name: '上海南京西路旗舰店' })
    assert.deepEqual(card.tier, NORMAL)
    assert.deepEqual(card.nextTier, SILVER)
    assert.equal(card.growth, 0)
    assert.deepEqual(card.points, { balance: 100, pending: 0 })

    const rows = await memberRow(token)
    assert.equal(rows.length, 1)
    assert.equal(rows[0].store, 'SH001')
    assert.equal(rows[0].staff, 'E07')
    const entries = await welcomeEntries(rows[0].id)
    assert.deepEqual(entries.rows, [{ amount: 100, balance_after: 100, kind: 'earn' }])

    // The card the member sees afterwards is the same one.
    const card2 = await me(token)
    assert.equal(card2.statusCode, 200)
    assert.deepEqual(card2.json(), card)
  })

  test('joining at a store without a staff member stores no staff attribution', async () => {
    const token = await t.login()
    const response = await t.join(token, { storeCode: 'BJ001' })
    assert.equal(response.statusCode, 200, response.body)
    const { card, joinedNow } = response.json()
    assert.equal(joinedNow, true)
    assert.deepEqual(card.joinedStore, { code: 'BJ001', name: '北京三里屯店' })
    assert.equal(card.points.balance, 100)
    const rows = await memberRow(token)
    assert.equal(rows[0].store, 'BJ001')
    assert.equal(rows[0].staff, null)
  })

  test('staff codes belong to their store: E03 (SH002) joins at SH002, not at SH001', async () => {
    const token = await t.login()
    assertApiError(await t.join(token, { storeCode: 'SH001', staffCode: 'E03' }), 'STAFF_NOT_FOUND')
    const ok = await t.join(token, { storeCode: 'SH002', staffCode: 'E03' })
    assert.equal(ok.statusCode, 200, ok.body)
    assert.equal((await memberRow(token))[0].staff, 'E03')
  })

  test('joining again, even at another store, keeps one membership and one welcome gift', async () => {
    const token = await t.login()
    const first = await t.join(token, { storeCode: 'SH001', staffCode: 'E12' })
    assert.equal(first.statusCode, 200, first.body)
    const second = await t.join(token, { storeCode: 'BJ001', staffCode: 'E05' })
    assert.equal(second.statusCode, 200, second.body)
    const body = second.json()
    assert.equal(body.joinedNow, false)
    assert.equal(body.welcomePoints, 0)
    assert.equal(body.card.memberNo, first.json().card.memberNo)
    assert.deepEqual(body.card.joinedStore, { code: 'SH001', name: '上海南京西路旗舰店' })
    assert.equal(body.card.points.balance, 100)

    const rows = await memberRow(token)
    assert.equal(rows.length, 1)
    assert.equal(rows[0].store, 'SH001', 'the first attribution stays')
    assert.equal(rows[0].staff, 'E12')
    assert.equal((await welcomeEntries(rows[0].id)).rows.length, 1)
    assert.equal(await count(t.db, 'SELECT count(*) AS n FROM point_entries WHERE member_id = $1', [rows[0].id]), 1)
    assert.equal(await count(t.db, 'SELECT balance AS n FROM point_accounts WHERE member_id = $1', [rows[0].id]), 100)
  })

  test('two people get two memberships with different member numbers', async () => {
    const a = (await t.join(await t.login(), { storeCode: 'SH001' })).json()
    const b = (await t.join(await t.login(), { storeCode: 'SH001' })).json()
    assert.notEqual(a.card.memberNo, b.card.memberNo)
    assert.equal(a.card.points.balance, 100)
    assert.equal(b.card.points.balance, 100)
  })

  test('an unknown store is refused and nothing is written', async () => {
    const token = await t.login()
    const before = await snapshot(t.db)
    assertApiError(await t.join(token, { storeCode: 'ZZ999' }), 'STORE_NOT_FOUND')
    assertApiError(await t.join(token, { storeCode: 'ZZ999', staffCode: 'E07' }), 'STORE_NOT_FOUND')
    assert.deepEqual(await snapshot(t.db), before)
    assert.equal((await memberRow(token)).length, 0)
    assertApiError(await me(token), 'NOT_A_MEMBER')
  })

  test('an unknown staff member at a real store is refused and nothing is written', async () => {
    const token = await t.login()
    const before = await snapshot(t.db)
    assertApiError(await t.join(token, { storeCode: 'SH001', staffCode: 'E99' }), 'STAFF_NOT_FOUND')
    assert.deepEqual(await snapshot(t.db), before)
    assert.equal((await memberRow(token)).length, 0)
  })

  test('a closed store and a departed staff member are refused', async () => {
    const suffix = String(userIdOf(await t.login())).padStart(6, '0').slice(-6)
    const closed = `ZC${suffix}`
    const open = `ZO${suffix}`
    await t.db.query(`INSERT INTO stores (code, name, city, address, open) VALUES ($1, '已关闭的店', '上海', '某路 1 号', false)`, [closed])
    await t.db.query(`INSERT INTO stores (code, name, city, address) VALUES ($1, '测试店', '上海', '某路 2 号')`, [open])
    await t.db.query(`INSERT INTO staff (store_id, code, name, active) SELECT id, 'E01', '已离职', false FROM stores WHERE code = $1`, [open])

    const token = await t.login()
    const before = await snapshot(t.db)
    assertApiError(await t.join(token, { storeCode: closed }), 'STORE_NOT_FOUND')
    assertApiError(await t.join(token, { storeCode: open, staffCode: 'E01' }), 'STAFF_NOT_FOUND')
    assert.deepEqual(await snapshot(t.db), before)
    // The open store still takes members without the departed staff member.
    const ok = await t.join(token, { storeCode: open })
    assert.equal(ok.statusCode, 200, ok.body)
    assert.deepEqual(ok.json().card.joinedStore, { code: open, name: '测试店' })
  })

  test('a failed join may be retried with the same Idempotency-Key', async () => {
    const token = await t.login()
    const key = 'retry-after-failure-key'
    assertApiError(await t.join(token, { storeCode: 'ZZ999' }, key), 'STORE_NOT_FOUND')
    const ok = await t.join(token, { storeCode: 'SH002' }, key)
    assert.equal(ok.statusCode, 200, ok.body)
    assert.equal(ok.json().joinedNow, true)
  })

  test('the member code needs membership', async () => {
    const token = await t.login()
    assertApiError(
      await t.app.inject({ method: 'GET', url: '/api/members/me/code', headers: bearer(token) }),
      'NOT_A_MEMBER'
    )
  })
})
