import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { earnPoints } from '../src/modules/points/ledger'
import { count, DAY, startTestApp, userIdOf, type TestApp } from './helpers'

describe('points ledger invariants', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp()
  })
  after(() => t.close())

  /** A new member (through the API); returns its id. */
  const newMember = async () => {
    const token = await t.login()
    const response = await t.join(token, { storeCode: 'SH001' })
    assert.equal(response.statusCode, 200, response.body)
    const { rows } = await t.db.query<{ id: number }>('SELECT id FROM members WHERE user_id = $1', [userIdOf(token)])
    return { memberId: rows[0].id, token }
  }
  const balanceOf = (memberId: number) =>
    count(t.db, 'SELECT balance AS n FROM point_accounts WHERE member_id = $1', [memberId])
  const sumOf = (memberId: number) =>
    count(t.db, 'SELECT coalesce(sum(amount), 0) AS n FROM point_entries WHERE member_id = $1', [memberId])
  /** Earns usable points; true when the event posted, false when it had posted before. */
  const earn = async (memberId: number, amount: number, eventId: string = randomUUID(), eventType = 'test_bonus') => {
    const posted = await earnPoints(t.db, {
      memberId,
      points: amount,
      event: { type: eventType, id: eventId },
      reason: '测试奖励',
      now: t.clock.now(),
      lockDays: 0,
      expiryDays: 365
    })
    return !posted.replayed
  }

  /** balance = Σ entries, and each entry's balance_after is the running sum, for the member. */
  const assertConsistent = async (memberId: number) => {
    const { rows } = await t.db.query<{ amount: number; balance_after: number }>(
      'SELECT amount, balance_after FROM point_entries WHERE member_id = $1 ORDER BY id',
      [memberId]
    )
    let running = 0
    for (const row of rows) {
      running += row.amount
      assert.equal(row.balance_after, running, 'balance_after is the running sum')
    }
    assert.equal(await balanceOf(memberId), running)
    assert.equal(await sumOf(memberId), running)
    const lots = await count(t.db, 'SELECT coalesce(sum(remaining), 0) AS n FROM point_lots WHERE member_id = $1', [memberId])
    assert.equal(lots, running, 'the lots hold every earned point')
  }

  test('the welcome gift is one entry and one lot that expires a year later', async () => {
    const { memberId } = await newMember()
    const { rows: entries } = await t.db.query<Record<string, unknown>>(
      'SELECT kind, amount, balance_after, event_type, event_id, reason, created_at FROM point_entries WHERE member_id = $1',
      [memberId]
    )
    assert.equal(entries.length, 1)
    assert.equal(entries[0].kind, 'earn')
    assert.equal(entries[0].amount, 100)
    assert.equal(entries[0].balance_after, 100)
    assert.equal(entries[0].event_type, 'welcome_gift')
    assert.equal(entries[0].event_id, String(memberId))
    assert.equal(entries[0].reason, '新会员礼')
    assert.equal(new Date(entries[0].created_at as Date).toISOString(), t.clock.now().toISOString())
    const { rows: lots } = await t.db.query<{ amount: number; remaining: number; available_at: Date; expires_at: Date }>(
      'SELECT amount, remaining, available_at, expires_at FROM point_lots WHERE member_id = $1',
      [memberId]
    )
    assert.equal(lots.length, 1)
    assert.equal(lots[0].amount, 100)
    assert.equal(lots[0].remaining, 100)
    assert.equal(new Date(lots[0].available_at).getTime(), t.clock.now().getTime())
    assert.equal(new Date(lots[0].expires_at).getTime(), t.clock.now().getTime() + 365 * DAY)
    await assertConsistent(memberId)
  })

  test('point entries cannot be updated or deleted', async () => {
    const { memberId } = await newMember()
    const rejects = (sql: string) =>
      assert.rejects(t.db.query(sql, [memberId]), (error: { code?: string; message?: string }) => {
        assert.equal(error.code, '23001', `expected restrict_violation, got ${error.code}: ${error.message}`)
        assert.match(String(error.message), /immutable/)
        return true
      })
    await rejects('UPDATE point_entries SET amount = 100000, balance_after = 100000 WHERE member_id = $1')
    await rejects('UPDATE point_entries SET reason = reason WHERE member_id = $1')
    await rejects('DELETE FROM point_entries WHERE member_id = $1')
    // Inside a transaction too, and nothing of it survives.
    await assert.rejects(
      t.db.transaction(async (tx) => {
        await tx.query('UPDATE point_accounts SET balance = 0 WHERE member_id = $1', [memberId])
        await tx.query('DELETE FROM point_entries WHERE member_id = $1', [memberId])
      })
    )
    assert.equal(await count(t.db, 'SELECT count(*) AS n FROM point_entries WHERE member_id = $1', [memberId]), 1)
    assert.equal(await sumOf(memberId), 100)
    await assertConsistent(memberId)
  })

  test('an event posts once: replaying it changes nothing, and the database refuses a second row', async () => {
    const { memberId } = await newMember()
    const eventId = randomUUID()
    assert.equal(await earn(memberId, 30, eventId), true)
    assert.equal(await earn(memberId, 30, eventId), false)
    assert.equal(await earn(memberId, 999, eventId), false, 'another amount for the same event does not post either')
    assert.equal(await balanceOf(memberId), 130)
    await assertConsistent(memberId)

    // The welcome gift of this member cannot post again.
    assert.equal(await earn(memberId, 100, String(memberId), 'welcome_gift'), false)
    assert.equal(await balanceOf(memberId), 130)

    // UNIQUE (event_type, event_id) holds even for a raw insert that skips the ledger code.
    await assert.rejects(
      t.db.query(
        `INSERT INTO point_entries (member_id, kind, amount, balance_after, pending_after, event_type, event_id, reason, created_at)
         VALUES ($1, 'earn', 30, 160, 0, 'test_bonus', $2, 'dup', now())`,
        [memberId, eventId]
      ),
      (error: { code?: string }) => error.code === '23505'
    )
    // The same event id under another event type is another event.
    assert.equal(await earn(memberId, 5, eventId, 'other_bonus'), true)
    assert.equal(await balanceOf(memberId), 135)
    await assertConsistent(memberId)
  })

  test('the same event posted 20 times at once posts once', async () => {
    const { memberId } = await newMember()
    const eventId = randomUUID()
    const results = await Promise.all(Array.from({ length: 20 }, () => earn(memberId, 40, eventId)))
    assert.equal(results.filter(Boolean).length, 1)
    assert.equal(await balanceOf(memberId), 140)
    assert.equal(await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE event_id = $1", [eventId]), 1)
    await assertConsistent(memberId)
  })

  test('20 different events at once all post, and the balance is their sum', async () => {
    const { memberId, token } = await newMember()
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => earn(memberId, i + 1)))
    assert.ok(results.every(Boolean))
    assert.equal(await balanceOf(memberId), 100 + (20 * 21) / 2)
    await assertConsistent(memberId)
    // The member's card shows the ledger's balance.
    const card = await t.app.inject({ method: 'GET', url: '/api/members/me', headers: { authorization: `Bearer ${token}` } })
    assert.equal(card.json().points.balance, 310)
  })

  test('earned points are positive integers', async () => {
    const { memberId } = await newMember()
    for (const amount of [0, -5, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      await assert.rejects(earn(memberId, amount), RangeError, String(amount))
    }
    await assertConsistent(memberId)
  })

  test('the database refuses entries that break the ledger rules', async () => {
    const { memberId } = await newMember()
    const insert = (kind: string, amount: number, balanceAfter: number) =>
      t.db.query(
        `INSERT INTO point_entries (member_id, kind, amount, balance_after, pending_after, event_type, event_id, reason, created_at)
         VALUES ($1, $2, $3, $4, 0, 'test_raw', $5, 'raw', now())`,
        [memberId, kind, amount, balanceAfter, randomUUID()]
      )
    const checkViolation = (error: { code?: string }) => error.code === '23514'
    await assert.rejects(insert('spend', -200, -100), checkViolation, 'a spend cannot leave a debt')
    await assert.rejects(insert('earn', -5, 95), checkViolation, 'an earning is positive')
    await assert.rejects(insert('spend', 5, 105), checkViolation, 'a spend is negative')
    await assert.rejects(insert('adjust', 0, 100), checkViolation, 'no zero entries')
    await assert.rejects(insert('gift', 5, 105), checkViolation, 'unknown kind')
    await assertConsistent(memberId)
  })

  test('across every member in the database, balance = Σ entries', async () => {
    await newMember()
    const broken = await count(
      t.db,
      `SELECT count(*) AS n FROM point_accounts a
       WHERE a.balance <> (SELECT coalesce(sum(e.amount), 0) FROM point_entries e WHERE e.member_id = a.member_id)`
    )
    assert.equal(broken, 0)
    const withoutAccount = await count(
      t.db,
      'SELECT count(*) AS n FROM members m WHERE NOT EXISTS (SELECT 1 FROM point_accounts a WHERE a.member_id = m.id)'
    )
    assert.equal(withoutAccount, 0, 'every member has a points account')
  })
})
