import type { Queryable } from '../../db'
import { AppError } from '../../http/errors'

/**
 * The points ledger: the only code that writes point_accounts, point_entries, point_lots and
 * point_allocations. Every operation runs inside the caller's transaction and starts by locking
 * the member's account row, so one member's changes are serialised; locks are always taken in the
 * order account → lots. Each operation is tied to a business event (type + id) that posts at most
 * once: replaying an event returns the first entry and changes nothing.
 *
 * Balances: `balance` is usable points (negative only as a debt left by a refund reversal),
 * `pending` is earned points inside the return window. Lots hold the usable points: the remaining
 * points of unlocked lots always add up to max(balance, 0), and of pending lots to `pending`.
 */

export interface LedgerEvent {
  type: string
  id: string
}

export interface PostedEntry {
  entryId: number
  /** True when the event had posted before: nothing changed this time. */
  replayed: boolean
  balance: number
  pending: number
}

const DAY_MS = 24 * 3600 * 1000
const addDays = (at: Date, days: number) => new Date(at.getTime() + days * DAY_MS)

interface Account {
  memberId: number
  balance: number
  pending: number
}

type EntryKind = 'earn' | 'unlock' | 'return' | 'void' | 'spend' | 'expire' | 'reverse' | 'adjust'

interface Posting {
  kind: EntryKind
  amount: number
  pendingChange?: number
  event: LedgerEvent
  reason: string
  sourceEntryId?: number
  actor?: string
}

interface EntryRow {
  id: number
  memberId: number
  kind: EntryKind
  amount: number
  pendingChange: number
}

function assertPoints(points: number) {
  if (!Number.isSafeInteger(points) || points <= 0) throw new RangeError(`points must be a positive integer, got ${points}`)
}

async function lockAccount(tx: Queryable, memberId: number): Promise<Account> {
  const { rows } = await tx.query<Account>(
    'SELECT member_id AS "memberId", balance, pending FROM point_accounts WHERE member_id = $1 FOR UPDATE',
    [memberId]
  )
  if (rows.length === 0) throw new AppError('MEMBER_NOT_FOUND')
  return rows[0]
}

async function findEntry(tx: Queryable, event: LedgerEvent): Promise<EntryRow | null> {
  const { rows } = await tx.query<EntryRow>(
    `SELECT id, member_id AS "memberId", kind, amount, pending_change AS "pendingChange"
     FROM point_entries WHERE event_type = $1 AND event_id = $2`,
    [event.type, event.id]
  )
  return rows[0] ?? null
}

/** The entry for an event already posted, checked to belong to this member. */
async function priorPosting(tx: Queryable, account: Account, event: LedgerEvent): Promise<PostedEntry | null> {
  const prior = await findEntry(tx, event)
  if (!prior) return null
  if (prior.memberId !== account.memberId) {
    throw new Error(`event ${event.type}/${event.id} already posted for another member`)
  }
  return { entryId: prior.id, replayed: true, balance: account.balance, pending: account.pending }
}

async function post(tx: Queryable, account: Account, posting: Posting, now: Date): Promise<number> {
  const pendingChange = posting.pendingChange ?? 0
  const balanceAfter = account.balance + posting.amount
  const pendingAfter = account.pending + pendingChange
  // One round trip: the entry and the account's new balances together.
  const { rows } = await tx.query<{ id: number }>(
    `WITH entry AS (
       INSERT INTO point_entries
         (member_id, kind, amount, pending_change, balance_after, pending_after, event_type, event_id, reason, source_entry_id, actor, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id
     )
     UPDATE point_accounts SET balance = $5, pending = $6 WHERE member_id = $1 RETURNING (SELECT id FROM entry) AS id`,
    [
      account.memberId,
      posting.kind,
      posting.amount,
      pendingChange,
      balanceAfter,
      pendingAfter,
      posting.event.type,
      posting.event.id,
      posting.reason,
      posting.sourceEntryId ?? null,
      posting.actor ?? null,
      now
    ]
  )
  account.balance = balanceAfter
  account.pending = pendingAfter
  return rows[0].id
}

/** Of `points` credited to a balance of `before`, how many stay in lots (the rest pays a debt). */
const creditedToLots = (before: number, points: number) => Math.max(0, before + points) - Math.max(0, before)

/**
 * Takes up to `points` from the member's usable lots, soonest-expiring first (a preferred lot
 * first), recording each as an allocation of `entryId`. Returns how many it took.
 */
async function takeFromLots(
  tx: Queryable,
  memberId: number,
  entryId: number,
  points: number,
  options: { preferLotId?: number } = {}
): Promise<number> {
  const { rows: lots } = await tx.query<{ id: number; remaining: number }>(
    `SELECT id, remaining FROM point_lots
     WHERE member_id = $1 AND unlocked_at IS NOT NULL AND remaining > 0
     ORDER BY (id = $2) DESC, expires_at, id
     FOR UPDATE`,
    [memberId, options.preferLotId ?? 0]
  )
  let left = points
  for (const lot of lots) {
    if (left === 0) break
    const take = Math.min(lot.remaining, left)
    await tx.query('UPDATE point_lots SET remaining = remaining - $2 WHERE id = $1', [lot.id, take])
    await tx.query('INSERT INTO point_allocations (entry_id, lot_id, points) VALUES ($1, $2, $3)', [entryId, lot.id, take])
    left -= take
  }
  return points - left
}

async function createLot(
  tx: Queryable,
  lot: { memberId: number; entryId: number; amount: number; remaining: number; availableAt: Date; unlocked: boolean; expiresAt: Date }
): Promise<void> {
  await tx.query(
    `INSERT INTO point_lots (member_id, entry_id, amount, remaining, available_at, unlocked_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [lot.memberId, lot.entryId, lot.amount, lot.remaining, lot.availableAt, lot.unlocked ? lot.availableAt : null, lot.expiresAt]
  )
}

/**
 * Brings an account up to `now`: pending lots whose return window has passed become usable, and
 * lots past their expiry give up what is left of them. Run by every operation (under the account
 * lock) and by the background job for accounts nobody touches.
 */
async function settleDue(tx: Queryable, account: Account, now: Date): Promise<void> {
  const { rows: due } = await tx.query<{ id: number; remaining: number; entryId: number }>(
    `SELECT id, remaining, entry_id AS "entryId" FROM point_lots
     WHERE member_id = $1 AND unlocked_at IS NULL AND available_at <= $2
     ORDER BY available_at, id FOR UPDATE`,
    [account.memberId, now]
  )
  for (const lot of due) {
    const toLots = creditedToLots(account.balance, lot.remaining)
    if (lot.remaining > 0) {
      await post(
        tx,
        account,
        {
          kind: 'unlock',
          amount: lot.remaining,
          pendingChange: -lot.remaining,
          event: { type: 'unlock', id: String(lot.id) },
          reason: '积分生效',
          sourceEntryId: lot.entryId
        },
        now
      )
    }
    await tx.query('UPDATE point_lots SET unlocked_at = available_at, remaining = $2 WHERE id = $1', [lot.id, toLots])
  }

  const { rows: expired } = await tx.query<{ id: number; remaining: number; expiries: number }>(
    `SELECT l.id, l.remaining,
            (SELECT count(*) FROM point_allocations a JOIN point_entries e ON e.id = a.entry_id
             WHERE a.lot_id = l.id AND e.kind = 'expire') AS expiries
     FROM point_lots l
     WHERE l.member_id = $1 AND l.unlocked_at IS NOT NULL AND l.remaining > 0 AND l.expires_at <= $2
     ORDER BY l.expires_at, l.id FOR UPDATE OF l`,
    [account.memberId, now]
  )
  for (const lot of expired) {
    // A lot can expire again when a return refills it after its expiry, hence the counter.
    const entryId = await post(
      tx,
      account,
      { kind: 'expire', amount: -lot.remaining, event: { type: 'expire', id: `${lot.id}-${lot.expiries + 1}` }, reason: '积分过期' },
      now
    )
    await tx.query('UPDATE point_lots SET remaining = 0 WHERE id = $1', [lot.id])
    await tx.query('INSERT INTO point_allocations (entry_id, lot_id, points) VALUES ($1, $2, $3)', [entryId, lot.id, lot.remaining])
  }
}

/** Opens the member's account (once). */
export async function openAccount(tx: Queryable, memberId: number): Promise<void> {
  await tx.query('INSERT INTO point_accounts (member_id) VALUES ($1) ON CONFLICT (member_id) DO NOTHING', [memberId])
}

/** Brings one account up to date (unlocks, expiries) and returns its balances. */
export async function settleAccount(tx: Queryable, memberId: number, now: Date): Promise<{ balance: number; pending: number }> {
  return tx.transaction(async (t) => {
    const account = await lockAccount(t, memberId)
    await settleDue(t, account, now)
    return { balance: account.balance, pending: account.pending }
  })
}

export interface Earning {
  memberId: number
  points: number
  event: LedgerEvent
  reason: string
  now: Date
  /** Days the points stay pending (the return window); 0 makes them usable at once. */
  lockDays: number
  expiryDays: number
}

/** Posts earned points as a lot of their own; pending ones unlock after `lockDays`. */
export async function earnPoints(db: Queryable, earning: Earning): Promise<PostedEntry> {
  assertPoints(earning.points)
  if (earning.expiryDays <= earning.lockDays) throw new RangeError('points must become usable before they expire')
  return db.transaction(async (tx) => {
    const account = await lockAccount(tx, earning.memberId)
    const prior = await priorPosting(tx, account, earning.event)
    if (prior) return prior
    await settleDue(tx, account, earning.now)
    const pending = earning.lockDays > 0
    const toLots = creditedToLots(account.balance, earning.points)
    const entryId = await post(
      tx,
      account,
      pending
        ? { kind: 'earn', amount: 0, pendingChange: earning.points, event: earning.event, reason: earning.reason }
        : { kind: 'earn', amount: earning.points, event: earning.event, reason: earning.reason },
      earning.now
    )
    await createLot(tx, {
      memberId: earning.memberId,
      entryId,
      amount: earning.points,
      remaining: pending ? earning.points : toLots,
      availableAt: addDays(earning.now, earning.lockDays),
      unlocked: !pending,
      expiresAt: addDays(earning.now, earning.expiryDays)
    })
    return { entryId, replayed: false, balance: account.balance, pending: account.pending }
  })
}

export interface Spending {
  memberId: number
  points: number
  event: LedgerEvent
  reason: string
  now: Date
}

/**
 * Spends usable points, soonest-expiring lots first. An order's points are held this way when the
 * order is placed (and given back with returnPoints when it is cancelled or refunded).
 * Fails with INSUFFICIENT_POINTS, changing nothing, when the balance does not cover it.
 */
export async function spendPoints(db: Queryable, spending: Spending): Promise<PostedEntry> {
  assertPoints(spending.points)
  return db.transaction(async (tx) => {
    const account = await lockAccount(tx, spending.memberId)
    const prior = await priorPosting(tx, account, spending.event)
    if (prior) return prior
    await settleDue(tx, account, spending.now)
    if (account.balance < spending.points) throw new AppError('INSUFFICIENT_POINTS')
    const entryId = await post(
      tx,
      account,
      { kind: 'spend', amount: -spending.points, event: spending.event, reason: spending.reason },
      spending.now
    )
    const taken = await takeFromLots(tx, spending.memberId, entryId, spending.points)
    if (taken !== spending.points) throw new Error(`lots of member ${spending.memberId} do not cover the balance`)
    return { entryId, replayed: false, balance: account.balance, pending: account.pending }
  })
}

export interface PointsReturn {
  memberId: number
  /** The spend being given back (an order's hold, a till sale's points). */
  spendEvent: LedgerEvent
  /** How many to give back; all that is left of the spend when omitted. */
  points?: number
  event: LedgerEvent
  reason: string
  now: Date
}

/**
 * Gives spent points back into the lots they came from (latest-expiring first). Points whose lot
 * has expired meanwhile come back and expire at once, so the history says what happened.
 * Never gives back more than was spent, however many returns there are.
 */
export async function returnPoints(db: Queryable, request: PointsReturn): Promise<PostedEntry> {
  return db.transaction(async (tx) => {
    const account = await lockAccount(tx, request.memberId)
    const prior = await priorPosting(tx, account, request.event)
    if (prior) return prior
    await settleDue(tx, account, request.now)
    const spend = await findEntry(tx, request.spendEvent)
    if (!spend || spend.memberId !== request.memberId || spend.kind !== 'spend') {
      throw new Error(`no spend ${request.spendEvent.type}/${request.spendEvent.id} for member ${request.memberId}`)
    }
    const { rows: allocations } = await tx.query<{ lotId: number; open: number }>(
      `SELECT a.lot_id AS "lotId", a.points - a.returned AS open
       FROM point_allocations a JOIN point_lots l ON l.id = a.lot_id
       WHERE a.entry_id = $1 AND a.points > a.returned
       ORDER BY l.expires_at DESC, l.id DESC FOR UPDATE OF a`,
      [spend.id]
    )
    const returnable = allocations.reduce((sum, a) => sum + a.open, 0)
    const points = request.points ?? returnable
    assertPoints(points)
    if (points > returnable) throw new RangeError(`only ${returnable} points of that spend can be returned`)

    let toLots = creditedToLots(account.balance, points)
    const entryId = await post(
      tx,
      account,
      { kind: 'return', amount: points, event: request.event, reason: request.reason, sourceEntryId: spend.id },
      request.now
    )
    let left = points
    for (const allocation of allocations) {
      if (left === 0) break
      const back = Math.min(allocation.open, left)
      await tx.query('UPDATE point_allocations SET returned = returned + $3 WHERE entry_id = $1 AND lot_id = $2', [
        spend.id,
        allocation.lotId,
        back
      ])
      // Of what comes back, a debt is paid first; only the rest refills the lot.
      const refill = Math.min(back, toLots)
      if (refill > 0) await tx.query('UPDATE point_lots SET remaining = remaining + $2 WHERE id = $1', [allocation.lotId, refill])
      toLots -= refill
      left -= back
    }
    // Points that went back into an already-expired lot expire now, in their own entry.
    await settleDue(tx, account, request.now)
    return { entryId, replayed: false, balance: account.balance, pending: account.pending }
  })
}

export interface Reversal {
  memberId: number
  /** The earning being taken back (a refunded order's points). */
  earnEvent: LedgerEvent
  /** How many; all that is left of the earning when omitted. */
  points?: number
  event: LedgerEvent
  reason: string
  now: Date
}

/**
 * Takes back earned points after a refund: still-pending ones are voided; usable ones are reversed
 * with a correcting entry, from the earning's own lot first, then soonest-expiring lots. If they
 * were already spent the balance goes negative: a debt that later credits pay first. Points of the
 * earning that already expired are not taken a second time. Returns null when nothing is left to take.
 */
export async function reverseEarning(db: Queryable, reversal: Reversal): Promise<PostedEntry | null> {
  return db.transaction(async (tx) => {
    const account = await lockAccount(tx, reversal.memberId)
    const prior = await priorPosting(tx, account, reversal.event)
    if (prior) return prior
    await settleDue(tx, account, reversal.now)
    const earn = await findEntry(tx, reversal.earnEvent)
    if (!earn || earn.memberId !== reversal.memberId || earn.kind !== 'earn') {
      throw new Error(`no earning ${reversal.earnEvent.type}/${reversal.earnEvent.id} for member ${reversal.memberId}`)
    }
    const { rows } = await tx.query<{ lotId: number; unlocked: boolean; reversed: number; expired: number }>(
      `SELECT l.id AS "lotId", l.unlocked_at IS NOT NULL AS unlocked,
              COALESCE((SELECT -sum(e.amount + e.pending_change) FROM point_entries e
                        WHERE e.source_entry_id = $1 AND e.kind IN ('void', 'reverse')), 0) AS reversed,
              COALESCE((SELECT sum(a.points) FROM point_allocations a JOIN point_entries e ON e.id = a.entry_id
                        WHERE a.lot_id = l.id AND e.kind = 'expire'), 0) AS expired
       FROM point_lots l WHERE l.entry_id = $1 FOR UPDATE OF l`,
      [earn.id]
    )
    const lot = rows[0]
    const earned = earn.amount + earn.pendingChange
    const requested = reversal.points ?? earned - lot.reversed
    assertPoints(requested)
    if (requested > earned - lot.reversed) throw new RangeError(`only ${earned - lot.reversed} points of that earning can be taken back`)
    const points = Math.min(requested, earned - lot.reversed - lot.expired)
    if (points <= 0) return null

    if (!lot.unlocked) {
      const entryId = await post(
        tx,
        account,
        { kind: 'void', amount: 0, pendingChange: -points, event: reversal.event, reason: reversal.reason, sourceEntryId: earn.id },
        reversal.now
      )
      await tx.query('UPDATE point_lots SET remaining = remaining - $2 WHERE id = $1', [lot.lotId, points])
      return { entryId, replayed: false, balance: account.balance, pending: account.pending }
    }
    const entryId = await post(
      tx,
      account,
      { kind: 'reverse', amount: -points, event: reversal.event, reason: reversal.reason, sourceEntryId: earn.id },
      reversal.now
    )
    await takeFromLots(tx, reversal.memberId, entryId, points, { preferLotId: lot.lotId })
    return { entryId, replayed: false, balance: account.balance, pending: account.pending }
  })
}

export interface Adjustment {
  memberId: number
  /** Positive adds a lot of its own; negative takes soonest-expiring points and never makes a debt. */
  points: number
  event: LedgerEvent
  reason: string
  operator: string
  now: Date
  expiryDays: number
}

/** An operator's correction, recorded with who made it and why. */
export async function adjustPoints(db: Queryable, adjustment: Adjustment): Promise<PostedEntry> {
  assertPoints(Math.abs(adjustment.points))
  return db.transaction(async (tx) => {
    const account = await lockAccount(tx, adjustment.memberId)
    const prior = await priorPosting(tx, account, adjustment.event)
    if (prior) return prior
    await settleDue(tx, account, adjustment.now)
    const posting: Posting = {
      kind: 'adjust',
      amount: adjustment.points,
      event: adjustment.event,
      reason: adjustment.reason,
      actor: adjustment.operator
    }
    if (adjustment.points < 0) {
      if (account.balance < -adjustment.points) throw new AppError('INSUFFICIENT_POINTS')
      const entryId = await post(tx, account, posting, adjustment.now)
      await takeFromLots(tx, adjustment.memberId, entryId, -adjustment.points)
      return { entryId, replayed: false, balance: account.balance, pending: account.pending }
    }
    const toLots = creditedToLots(account.balance, adjustment.points)
    const entryId = await post(tx, account, posting, adjustment.now)
    await createLot(tx, {
      memberId: adjustment.memberId,
      entryId,
      amount: adjustment.points,
      remaining: toLots,
      availableAt: adjustment.now,
      unlocked: true,
      expiresAt: addDays(adjustment.now, adjustment.expiryDays)
    })
    return { entryId, replayed: false, balance: account.balance, pending: account.pending }
  })
}
