import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { adjustPoints, earnPoints, returnPoints, reverseEarning, settleAccount, spendPoints, type LedgerEvent } from '../src/modules/points/ledger'
import { assertLedgerConsistent, DAY, newMember, startTestApp, type TestApp } from './helpers'

type Step =
  | { op: 'earn'; points: number; lockDays: number; expiryDays: number }
  | { op: 'spend'; points: number }
  | { op: 'return'; pick: number; share: number }
  | { op: 'reverse'; pick: number; share: number }
  | { op: 'adjust'; points: number }
  | { op: 'wait'; days: number }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc
    .record({ points: fc.integer({ min: 1, max: 500 }), lockDays: fc.constantFrom(0, 0, 7), validDays: fc.integer({ min: 1, max: 400 }) })
    .map(({ points, lockDays, validDays }) => ({ op: 'earn' as const, points, lockDays, expiryDays: lockDays + validDays })),
  fc.record({ op: fc.constant('spend' as const), points: fc.integer({ min: 1, max: 600 }) }),
  fc.record({ op: fc.constant('return' as const), pick: fc.nat(), share: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
  fc.record({ op: fc.constant('reverse' as const), pick: fc.nat(), share: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
  fc.record({ op: fc.constant('adjust' as const), points: fc.integer({ min: -300, max: 300 }).filter((n) => n !== 0) }),
  fc.record({ op: fc.constant('wait' as const), days: fc.integer({ min: 0, max: 400 }) })
)

/**
 * Random histories of earn / spend / return / reverse / adjust / time passing, each on a member of
 * its own; after every step the ledger's invariants are read back from the database.
 */
describe('the ledger under random histories', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp()
  })
  after(() => t.close())

  test('balance = Σ entries, lots hold exactly the balance, FIFO, expiry takes only what is left', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
        const { memberId } = await newMember(t)
        let now = t.clock.now().getTime()
        const spends: { event: LedgerEvent; points: number }[] = []
        const earnings: { event: LedgerEvent; points: number }[] = []
        const at = () => new Date(now)
        const event = (type: string): LedgerEvent => ({ type, id: randomUUID() })

        for (const s of steps) {
          switch (s.op) {
            case 'earn': {
              const e = event('prop_earn')
              await earnPoints(t.db, { memberId, points: s.points, event: e, reason: '获得', now: at(), lockDays: s.lockDays, expiryDays: s.expiryDays })
              earnings.push({ event: e, points: s.points })
              break
            }
            case 'spend': {
              const e = event('prop_spend')
              const before = await settleAccount(t.db, memberId, at())
              try {
                await spendPoints(t.db, { memberId, points: s.points, event: e, reason: '使用', now: at() })
                assert.ok(before.balance >= s.points, 'a spend beyond the balance must fail')
                spends.push({ event: e, points: s.points })
                await assertSoonestExpiringTakenFirst(memberId, e)
              } catch (error) {
                if ((error as { code?: string }).code !== 'INSUFFICIENT_POINTS') throw error
                assert.ok(before.balance < s.points, 'a spend within the balance must succeed')
              }
              break
            }
            case 'return': {
              if (spends.length === 0) break
              const spend = spends[s.pick % spends.length]
              const points = Math.max(1, Math.floor(spend.points * s.share))
              if (points > spend.points) break
              await returnPoints(t.db, { memberId, spendEvent: spend.event, points, event: event('prop_return'), reason: '退回', now: at() })
              spend.points -= points
              if (spend.points === 0) spends.splice(spends.indexOf(spend), 1)
              break
            }
            case 'reverse': {
              if (earnings.length === 0) break
              const earning = earnings[s.pick % earnings.length]
              const points = Math.max(1, Math.floor(earning.points * s.share))
              if (points > earning.points) break
              const posted = await reverseEarning(t.db, { memberId, earnEvent: earning.event, points, event: event('prop_reverse'), reason: '扣回', now: at() })
              if (!posted) await assertEarningExpired(earning.event)
              earning.points -= points
              if (earning.points === 0) earnings.splice(earnings.indexOf(earning), 1)
              break
            }
            case 'adjust': {
              try {
                await adjustPoints(t.db, { memberId, points: s.points, event: event('prop_adjust'), reason: '调整', operator: 'prop', now: at(), expiryDays: 365 })
              } catch (error) {
                if ((error as { code?: string }).code !== 'INSUFFICIENT_POINTS') throw error
                assert.ok(s.points < 0)
              }
              break
            }
            case 'wait':
              now += s.days * DAY
              await settleAccount(t.db, memberId, at())
              await assertNothingDue(memberId, at())
              break
          }
          await assertLedgerConsistent(t.db, memberId)
          await assertExpiriesTookWhatWasLeft(memberId)
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60) }
    )
  })

  /** Nothing is taken back only when the earning's points are gone to expiry. */
  async function assertEarningExpired(earn: LedgerEvent) {
    const { rows } = await t.db.query<{ expired: number }>(
      `SELECT count(*) AS expired FROM point_entries e JOIN point_lots l ON l.entry_id = e.id
       JOIN point_allocations a ON a.lot_id = l.id JOIN point_entries x ON x.id = a.entry_id AND x.kind = 'expire'
       WHERE e.event_type = $1 AND e.event_id = $2`,
      [earn.type, earn.id]
    )
    assert.ok(rows[0].expired > 0, 'a reversal found nothing to take although the points did not expire')
  }

  /** FIFO: after a spend, no usable lot expiring before the latest lot it took from has points left. */
  async function assertSoonestExpiringTakenFirst(memberId: number, spend: LedgerEvent) {
    const { rows } = await t.db.query<{ skipped: number }>(
      `SELECT count(*) AS skipped FROM point_lots l
       WHERE l.member_id = $1 AND l.unlocked_at IS NOT NULL AND l.remaining > 0
         AND l.expires_at < (SELECT max(t.expires_at) FROM point_allocations a JOIN point_lots t ON t.id = a.lot_id
                             JOIN point_entries e ON e.id = a.entry_id WHERE e.event_type = $2 AND e.event_id = $3)`,
      [memberId, spend.type, spend.id]
    )
    assert.equal(rows[0].skipped, 0, 'a spend took from a later lot while an earlier one had points left')
  }

  async function assertNothingDue(memberId: number, now: Date) {
    const { rows } = await t.db.query<{ due: number }>(
      `SELECT count(*) AS due FROM point_lots WHERE member_id = $1 AND remaining > 0
         AND ((unlocked_at IS NULL AND available_at <= $2) OR expires_at <= $2)`,
      [memberId, now]
    )
    assert.equal(rows[0].due, 0, 'settling leaves nothing due')
  }

  /** Every expiry entry equals what its lot had left, and is the only thing that emptied it then. */
  async function assertExpiriesTookWhatWasLeft(memberId: number) {
    const { rows } = await t.db.query<{ mismatched: number }>(
      `SELECT count(*) AS mismatched FROM point_entries e JOIN point_allocations a ON a.entry_id = e.id
       WHERE e.member_id = $1 AND e.kind = 'expire' AND a.points <> -e.amount`,
      [memberId]
    )
    assert.equal(rows[0].mismatched, 0)
  }
})
