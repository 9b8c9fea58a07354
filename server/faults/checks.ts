import type { Database } from '../src/db'
import { assertLedgerConsistent } from '../test/helpers'
import type { Attempt } from './client'
import type { FakeWechat } from './fake-wechat'
import type { ProxiedCall } from './flaky-proxy'
import type { ReplicaEvent } from './replicas'
import type { Action, ActionKind, World } from './traffic'

/** A time span in which a fault was in effect. */
export interface FaultWindow {
  kind: 'postgres-down' | 'replica-down'
  label: string
  from: number
  to: number
}

export interface Verdict {
  name: string
  checked: number
  violations: string[]
}

export class Verdicts {
  readonly list: Verdict[] = []

  /** A named invariant; `fail` records one violation with what was seen. */
  check(name: string) {
    const verdict: Verdict = { name, checked: 0, violations: [] }
    this.list.push(verdict)
    return {
      ok: () => void verdict.checked++,
      fail: (what: string) => {
        verdict.checked++
        verdict.violations.push(what)
      },
      verdict
    }
  }

  get checked() {
    return this.list.reduce((sum, v) => sum + v.checked, 0)
  }

  get violations() {
    return this.list.reduce((sum, v) => sum + v.violations.length, 0)
  }
}

export type Phase = 'steady' | 'postgres-down' | 'replica-down' | 'drain'

/** Which fault an attempt overlapped (the database outage first: it is what allows a 5xx). */
export function phaseOf(attempt: Pick<Attempt, 'start' | 'end'>, windows: FaultWindow[], loadEnd: number): Phase {
  const overlaps = (w: FaultWindow) => attempt.start <= w.to && attempt.end >= w.from
  if (windows.some((w) => w.kind === 'postgres-down' && overlaps(w))) return 'postgres-down'
  if (windows.some((w) => w.kind === 'replica-down' && overlaps(w))) return 'replica-down'
  return attempt.start >= loadEnd ? 'drain' : 'steady'
}

/** Refusals the business rules give under this traffic; any other final 4xx is a finding. */
const EXPECTED_REFUSALS: Partial<Record<ActionKind, string[]>> = {
  sale: ['MEMBER_CODE_USED', 'INSUFFICIENT_POINTS', 'MEMBER_CODE_EXPIRED'],
  order: ['OUT_OF_STOCK', 'COUPON_UNAVAILABLE', 'INSUFFICIENT_POINTS', 'POINTS_OVER_LIMIT'],
  draw: ['DRAW_DAILY_LIMIT', 'INSUFFICIENT_POINTS'],
  coupon: ['COUPON_LIMIT_REACHED']
}

export interface CheckInput {
  db: Database
  world: World
  attempts: Attempt[]
  windows: FaultWindow[]
  proxyCalls: ProxiedCall[]
  wechat: FakeWechat
  replicaEvents: ReplicaEvent[]
  loadEnd: number
  crashAt: number
  /** Stock before the load, by SKU id and by prize id. */
  skuStockBefore: Map<number, number>
  prizeStockBefore: Map<number, number>
  tierTemplateId: string
}

export async function runChecks(input: CheckInput): Promise<Verdicts> {
  const { db, world } = input
  const verdicts = new Verdicts()
  // Keys whose retries were told the first attempt was still running: a claim left by a dead attempt.
  const waited = new Set(input.attempts.filter((a) => a.code === 'IDEMPOTENCY_IN_PROGRESS' && a.key).map((a) => a.key!))
  const history = (a: Action) => `${a.attempts} attempts${waited.has(a.spec.key ?? '') ? ' after IDEMPOTENCY_IN_PROGRESS' : ''}`
  const ok = world.actions.filter((a) => a.outcome === 'ok')
  const q = async <T>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows

  // ---- every acknowledged write is in the database (before the crash, and after it) ----------
  {
    const before = verdicts.check('2xx before the PostgreSQL crash still in the database')
    const after = verdicts.check('2xx after the crash in the database')
    const sales = new Map((await q<{ k: string; status: string; pointsUsed: number }>(
      `SELECT st.code || ':' || s.receipt_no AS k, s.status, s.points_used AS "pointsUsed" FROM store_sales s JOIN stores st ON st.id = s.store_id`
    )).map((r) => [r.k, r]))
    const orders = new Map((await q<{ orderNo: string; status: string; prepaid: boolean; paid: boolean; memberNo: string }>(
      `SELECT o.order_no AS "orderNo", o.status, o.prepaid_at IS NOT NULL AS prepaid, o.paid_at IS NOT NULL AS paid, m.member_no AS "memberNo"
       FROM orders o JOIN members m ON m.id = o.member_id`
    )).map((r) => [r.orderNo, r]))
    const refunds = new Map((await q<{ refundNo: string; status: string }>('SELECT refund_no AS "refundNo", status FROM order_refunds')).map((r) => [r.refundNo, r]))
    const draws = new Map((await q<{ drawNo: string; pointsSpent: number; memberNo: string }>(
      'SELECT d.draw_no AS "drawNo", d.points_spent AS "pointsSpent", m.member_no AS "memberNo" FROM draws d JOIN members m ON m.id = d.member_id'
    )).map((r) => [r.drawNo, r]))
    const members = new Map((await q<{ memberNo: string; userId: number }>('SELECT member_no AS "memberNo", user_id AS "userId" FROM members')).map((r) => [r.memberNo, r]))
    const coupons = new Map((await q<{ id: number; memberNo: string }>('SELECT c.id, m.member_no AS "memberNo" FROM member_coupons c JOIN members m ON m.id = c.member_id')).map((r) => [String(r.id), r]))
    const bindings = new Set((await q<{ userId: number }>('SELECT invitee_user_id AS "userId" FROM referral_bindings')).map((r) => r.userId))

    const present = (a: Action): string | null => {
      const b = a.body
      switch (a.kind) {
        case 'sale': {
          const row = sales.get(`${b.storeCode}:${b.receiptNo}`)
          if (!row) return 'sale missing'
          return row.pointsUsed === b.pointsUsed ? null : `sale points ${row.pointsUsed} ≠ answered ${b.pointsUsed}`
        }
        case 'sale-refund':
          return sales.get(`${b.storeCode}:${b.receiptNo}`)?.status === 'refunded' ? null : 'sale not refunded'
        case 'order':
          return orders.has(b.orderNo) ? null : 'order missing'
        case 'pay':
          return orders.get(b.orderNo)?.prepaid ? null : 'order not marked as sent to WeChat Pay'
        case 'cancel':
          return orders.get(b.orderNo)?.status === 'cancelled' ? null : `order ${orders.get(b.orderNo)?.status ?? 'missing'}, answered cancelled`
        case 'refund': {
          const missing = (b.refunds as { refundNo: string }[]).filter((r) => !refunds.has(r.refundNo))
          return missing.length === 0 ? null : `refunds missing: ${missing.map((r) => r.refundNo).join(', ')}`
        }
        case 'draw': {
          const row = draws.get(b.drawNo)
          if (!row) return 'draw missing'
          return row.pointsSpent === b.pointsSpent ? null : `draw spent ${row.pointsSpent} ≠ answered ${b.pointsSpent}`
        }
        case 'join': {
          const row = members.get(b.card.memberNo)
          return row && `user:${row.userId}` === a.scope ? null : 'member missing'
        }
        case 'coupon':
          return coupons.get(String(b.id))?.memberNo === a.memberNo ? null : 'coupon missing'
        case 'visit': {
          if (!b.bound) return null
          return bindings.has(Number(a.scope.slice('user:'.length))) ? null : 'invite binding missing'
        }
        default:
          return null
      }
    }
    for (const a of ok) {
      const problem = present(a)
      const target = a.end < input.crashAt ? before : after
      if (problem) target.fail(`${a.spec.route} key ${a.spec.key} → ${a.businessId}: ${problem}`)
      else target.ok()
    }
    for (const n of world.notifies.filter((n) => n.outcome === 'ok')) {
      const target = n.end < input.crashAt ? before : after
      if (n.kind === 'pay') {
        if (orders.get(n.subject)?.paid) target.ok()
        else target.fail(`pay notify for ${n.subject} answered 2xx but the order is ${orders.get(n.subject)?.status ?? 'missing'}`)
      } else if (refunds.get(n.subject)?.status === 'succeeded') target.ok()
      else target.fail(`refund notify for ${n.subject} answered 2xx but the refund is ${refunds.get(n.subject)?.status ?? 'missing'}`)
    }
  }

  // ---- every retried action took effect exactly once ------------------------------------------
  {
    const keys = new Map((await q<{ scope: string; key: string; response: any }>(
      "SELECT scope, key, response FROM idempotency_keys WHERE key LIKE 'flt\\_%'"
    )).map((r) => [`${r.scope} ${r.key}`, r.response]))
    const stored = verdicts.check('a retried action answers what its first success answered (same key → same result)')
    for (const a of ok) {
      if (a.attempts <= 1 && !a.replay) continue
      if (a.replay && a.replay.first !== a.replay.second) {
        stored.fail(`${a.spec.route} key ${a.spec.key}: first answer ${a.replay.first}, the retry answered ${a.replay.second}`)
        continue
      }
      const response = keys.get(`${a.scope} ${a.spec.key}`)
      if (response === undefined) stored.fail(`${a.spec.route} key ${a.spec.key}: the key is not stored`)
      else if (response === null) stored.fail(`${a.spec.route} key ${a.spec.key}: the key is stored without its answer`)
      else stored.ok()
    }

    // Business rows the clients never heard of are a second effect of one action (or an effect of a refused one).
    const once = verdicts.check('no effect without its action, none twice (draws, orders, sales, refunds, cancels)')
    const known = (kind: ActionKind) => {
      const ids = new Set<string>()
      for (const a of world.actions.filter((x) => x.kind === kind)) {
        if (a.outcome === 'ok' && a.businessId) ids.add(a.businessId)
        const response = keys.get(`${a.scope} ${a.spec.key}`)
        if (response) {
          if (kind === 'draw' && response.drawNo) ids.add(response.drawNo)
          if (kind === 'order' && response.orderNo) ids.add(response.orderNo)
        }
      }
      return ids
    }
    const drawIds = known('draw')
    for (const row of await q<{ drawNo: string }>('SELECT draw_no AS "drawNo" FROM draws')) {
      if (drawIds.has(row.drawNo)) once.ok()
      else once.fail(`draw ${row.drawNo} was made by no action the clients know of`)
    }
    const orderIds = known('order')
    for (const row of await q<{ orderNo: string }>('SELECT order_no AS "orderNo" FROM orders')) {
      if (orderIds.has(row.orderNo)) once.ok()
      else once.fail(`order ${row.orderNo} was placed by no action the clients know of`)
    }
    const saleActions = new Map(world.actions.filter((a) => a.kind === 'sale').map((a) => [a.subject!, a]))
    for (const row of await q<{ k: string }>(`SELECT st.code || ':' || s.receipt_no AS k FROM store_sales s JOIN stores st ON st.id = s.store_id`)) {
      const action = saleActions.get(row.k)
      if (!action) once.fail(`sale ${row.k} by no known action`)
      else if (action.outcome === 'refused') once.fail(`sale ${row.k} is recorded but its request was answered ${action.status} ${action.code}`)
      else once.ok()
    }
    // One refund action per order: at most one refund that did not fail, and none when it was refused.
    const refundRows = await q<{ orderNo: string; live: number; all: number }>(
      `SELECT o.order_no AS "orderNo", count(*) FILTER (WHERE r.status <> 'failed')::int AS live, count(*)::int AS all
       FROM order_refunds r JOIN orders o ON o.id = r.order_id WHERE r.kind = 'items' GROUP BY o.order_no`
    )
    const refundAction = new Map(world.actions.filter((a) => a.kind === 'refund').map((a) => [a.subject!, a]))
    for (const row of refundRows) {
      const action = refundAction.get(row.orderNo)
      if (!action) once.fail(`order ${row.orderNo} has ${row.all} refund(s) but no refund was asked for`)
      else if (row.live > 1) once.fail(`order ${row.orderNo}: one refund request (key ${action.spec.key}, ${history(action)}, body ${JSON.stringify(action.spec.body)}) made ${row.live} refunds`)
      else if (action.outcome === 'refused' && row.live > 0) once.fail(`order ${row.orderNo}: refund request (key ${action.spec.key}, ${history(action)}) answered ${action.status} ${action.code} but a refund was made`)
      else once.ok()
    }
    const cancelled = new Map((await q<{ orderNo: string; reason: string | null }>(
      "SELECT order_no AS \"orderNo\", cancel_reason AS reason FROM orders WHERE status = 'cancelled'"
    )).map((r) => [r.orderNo, r.reason]))
    for (const a of world.actions.filter((x) => x.kind === 'cancel')) {
      if (a.outcome === 'refused' && cancelled.has(a.subject!)) once.fail(`cancel of ${a.subject} (${history(a)}) was answered ${a.status} ${a.code} but the order is cancelled (${cancelled.get(a.subject!)})`)
      else once.ok()
    }
  }

  // ---- ledger ---------------------------------------------------------------------------------
  {
    const ledger = verdicts.check('balance = Σ entries, pending = Σ pending changes, lots and growth consistent (every account)')
    for (const { id, memberNo } of await q<{ id: number; memberNo: string }>('SELECT id, member_no AS "memberNo" FROM members ORDER BY id')) {
      try {
        await assertLedgerConsistent(db, id)
        ledger.ok()
      } catch (error) {
        ledger.fail(`member ${memberNo}: ${(error as Error).message.split('\n')[0]}`)
      }
    }
    const posts = verdicts.check('each payment, join and invite posted its points once')
    for (const row of await q<{ orderNo: string; pointsEarned: number; earned: number; entries: number; growth: number }>(
      `SELECT o.order_no AS "orderNo", o.points_earned AS "pointsEarned",
              (SELECT COALESCE(sum(e.amount + e.pending_change), 0)::int FROM point_entries e WHERE e.event_type = 'order' AND e.event_id = o.order_no) AS earned,
              (SELECT count(*)::int FROM point_entries e WHERE e.event_type = 'order' AND e.event_id = o.order_no) AS entries,
              (SELECT count(*)::int FROM growth_entries g WHERE g.event_type = 'order' AND g.event_id = o.order_no) AS growth
       FROM orders o WHERE o.paid_at IS NOT NULL`
    )) {
      const expectedEntries = row.pointsEarned > 0 ? 1 : 0
      if (row.entries === expectedEntries && row.earned === row.pointsEarned && row.growth <= 1) posts.ok()
      else posts.fail(`order ${row.orderNo}: earned ${row.pointsEarned}, ${row.entries} earn entries worth ${row.earned}, ${row.growth} growth entries`)
    }
    for (const row of await q<{ memberNo: string; welcome: number; referral: number; expected: number }>(
      `SELECT m.member_no AS "memberNo",
              (SELECT count(*)::int FROM point_entries e WHERE e.event_type = 'welcome_gift' AND e.event_id = m.id::text) AS welcome,
              (SELECT count(*)::int FROM point_entries e WHERE e.event_type = 'referral' AND e.event_id = m.id::text) AS referral,
              (SELECT count(*)::int FROM referral_bindings b WHERE b.invitee_member_id = m.id AND b.status = 'joined' AND NOT b.reward_held AND b.reward_points > 0) AS expected
       FROM members m`
    )) {
      if (row.welcome === 1 && row.referral === row.expected) posts.ok()
      else posts.fail(`member ${row.memberNo}: ${row.welcome} welcome gifts, ${row.referral} inviter rewards for ${row.expected} rewarded invites`)
    }
    const refundsSum = verdicts.check('no order refunded more than was paid')
    for (const row of await q<{ orderNo: string; paid: number; refunded: number }>(
      `SELECT o.order_no AS "orderNo", o.pay_amount AS paid, COALESCE(sum(r.amount) FILTER (WHERE r.status <> 'failed'), 0)::int AS refunded
       FROM orders o JOIN order_refunds r ON r.order_id = o.id GROUP BY o.id`
    )) {
      if (row.refunded <= row.paid) refundsSum.ok()
      else refundsSum.fail(`order ${row.orderNo}: paid ${row.paid}, refunds ${row.refunded}`)
    }
  }

  // ---- stock ----------------------------------------------------------------------------------
  {
    // Sold: in orders not cancelled (a cancel gives the stock back); returned: refunds that succeeded and restock.
    const stock = verdicts.check('SKU stock ≥ 0 and = start − sold (orders not cancelled) + returned (succeeded restocking refunds)')
    for (const row of await q<{ id: number; stock: number; sold: number; returned: number }>(
      `SELECT s.id, s.stock,
              COALESCE((SELECT sum(i.quantity) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.sku_id = s.id AND o.status <> 'cancelled'), 0)::int AS sold,
              COALESCE((SELECT sum(ri.quantity) FROM order_refund_items ri JOIN order_refunds r ON r.id = ri.refund_id
                        WHERE ri.sku_id = s.id AND r.status = 'succeeded' AND r.restock), 0)::int AS returned
       FROM skus s WHERE s.id = ANY($1)`,
      [[...input.skuStockBefore.keys()]]
    )) {
      const start = input.skuStockBefore.get(row.id)!
      const expected = start - row.sold + row.returned
      if (row.stock >= 0 && row.stock === expected) stock.ok()
      else stock.fail(`SKU ${row.id}: stock ${row.stock}, started ${start}, sold ${row.sold}, returned ${row.returned} → expected ${expected}`)
    }
    const prizes = verdicts.check('prize stock ≥ 0 and = start − prizes won')
    for (const row of await q<{ id: number; name: string; stock: number | null; won: number }>(
      'SELECT p.id, p.name, p.stock, (SELECT count(*)::int FROM draws d WHERE d.prize_id = p.id) AS won FROM draw_prizes p'
    )) {
      const start = input.prizeStockBefore.get(row.id)
      if (start === undefined || start === null || row.stock === null) continue
      if (row.stock >= 0 && row.stock === start - row.won) prizes.ok()
      else prizes.fail(`prize ${row.name}: stock ${row.stock}, started ${start}, won ${row.won}`)
    }
    // Cancelling an order or refunding all of it gives its coupon back; otherwise the coupon is the order's alone.
    const coupons = verdicts.check('a coupon is held by at most one order that is neither cancelled nor wholly refunded, and marked as used by it')
    for (const row of await q<{ couponId: number; orders: string; held: number; marked: number }>(
      `SELECT o.coupon_id AS "couponId", string_agg(o.order_no || ' ' || o.status, ', ') AS orders,
              count(*) FILTER (WHERE o.status NOT IN ('cancelled', 'refunded'))::int AS held,
              count(*) FILTER (WHERE o.status NOT IN ('cancelled', 'refunded') AND c.used_order_id = o.id)::int AS marked
       FROM orders o JOIN member_coupons c ON c.id = o.coupon_id GROUP BY o.coupon_id`
    )) {
      if (row.held <= 1 && row.marked === row.held) coupons.ok()
      else coupons.fail(`coupon ${row.couponId}: orders ${row.orders}; held by ${row.held}, marked on ${row.marked}`)
    }
    for (const row of await q<{ couponId: number; orderNo: string; status: string }>(
      `SELECT c.id AS "couponId", o.order_no AS "orderNo", o.status FROM member_coupons c JOIN orders o ON o.id = c.used_order_id
       WHERE o.status IN ('cancelled', 'refunded') OR o.coupon_id IS DISTINCT FROM c.id`
    )) coupons.fail(`coupon ${row.couponId} still marked used by order ${row.orderNo} (${row.status})`)
  }

  // ---- payments -------------------------------------------------------------------------------
  {
    const paid = verdicts.check('every order paid at WeChat Pay is paid in the database (no lost payment)')
    const status = new Map((await q<{ orderNo: string; status: string }>('SELECT order_no AS "orderNo", status FROM orders')).map((r) => [r.orderNo, r.status]))
    for (const orderNo of world.paidAtWechat.keys()) {
      const s = status.get(orderNo)
      if (s && s !== 'pending_payment' && s !== 'cancelled') paid.ok()
      else paid.fail(`order ${orderNo} paid at WeChat Pay is ${s ?? 'missing'} here`)
    }
  }

  // ---- subscribe messages ---------------------------------------------------------------------
  {
    const messages = verdicts.check('no subscribe message sent twice')
    const seen = new Map<string, number>()
    for (const m of input.wechat.messages) {
      const key = `${m.touser} ${m.templateId} ${JSON.stringify(m.data)}`
      seen.set(key, (seen.get(key) ?? 0) + 1)
    }
    for (const [key, n] of seen) {
      if (n === 1) messages.ok()
      else messages.fail(`sent ${n} times: ${key}`)
    }
    const [{ notices }] = await q<{ notices: number }>('SELECT count(*)::int AS notices FROM tier_notices WHERE sent_at IS NOT NULL')
    const sentTier = input.wechat.messages.filter((m) => m.templateId === input.tierTemplateId).length
    if (sentTier >= notices) messages.ok()
    else messages.fail(`${notices} tier notices recorded as sent, WeChat received ${sentTier}`)
  }

  // ---- 5xx only while the database was down ---------------------------------------------------
  {
    const fivexx = verdicts.check('no 5xx outside the seconds PostgreSQL was down (503 PAYMENT_UNAVAILABLE only for a WeChat Pay failure)')
    for (const a of input.attempts) {
      if (a.status === null || a.status < 500) continue
      const phase = phaseOf(a, input.windows, input.loadEnd)
      if (phase === 'postgres-down') {
        fivexx.ok()
        continue
      }
      if (a.status === 503 && a.code === 'PAYMENT_UNAVAILABLE' && explainedByWechatPay(a, input.proxyCalls)) {
        fivexx.ok()
        continue
      }
      fivexx.fail(`${a.route} → ${a.status} ${a.code} on ${a.replica} at +${((a.start - input.crashAt) / 1000).toFixed(1)} s from the crash (${phase})`)
    }
  }

  // ---- replicas survive what they should survive ----------------------------------------------
  {
    const crashes = verdicts.check('no replica dies unless killed')
    for (const e of input.replicaEvents) {
      if (e.kind === 'crashed') crashes.fail(`replica ${e.replica} exited by itself (${e.detail}) at +${((e.at - input.crashAt) / 1000).toFixed(1)} s from the PostgreSQL crash: ${e.reason ?? 'no error logged'}`)
      else if (e.kind === 'started') crashes.ok()
    }
  }

  // ---- no unexpected refusal -------------------------------------------------------------------
  {
    const refusals = verdicts.check('no final 4xx other than the business rules\' (e.g. not SALE_ALREADY_RECORDED on a retry)')
    for (const a of world.actions) {
      if (a.outcome === 'ok') {
        refusals.ok()
        continue
      }
      if (a.outcome !== 'refused') continue
      if ((EXPECTED_REFUSALS[a.kind] ?? []).includes(a.code ?? '')) refusals.ok()
      else refusals.fail(`${a.spec.route} (${history(a)}, key ${a.spec.key}, subject ${a.subject}) answered ${a.status} ${a.code}`)
    }
    for (const n of world.notifies) {
      if (n.outcome === 'refused') refusals.fail(`${n.kind} notify for ${n.subject} answered ${n.status} ${n.code}`)
      else if (n.outcome === 'ok') refusals.ok()
    }
  }

  // ---- the drain settled everything -------------------------------------------------------------
  {
    const settled = verdicts.check('every action and notify got a final answer (after the drain)')
    for (const item of world.unresolved) {
      if (item.outcome !== 'unknown') settled.ok()
      else settled.fail(`${item.spec.route}${item.spec.key ? ` key ${item.spec.key}` : ''}: still no answer`)
    }
  }
  return verdicts
}

/** The server's WeChat Pay client gives up after 5 s: a call that took that long failed for it too. */
const PAY_TIMEOUT_MS = 5000

/**
 * A 503 on pay, cancel or refund is WeChat Pay's failure when, during the attempt, the proxy failed
 * a call about that order (or its refund), or such a call outlasted the server's timeout.
 */
export function explainedByWechatPay(a: Attempt, calls: ProxiedCall[]): boolean {
  const orderNo = /^\/api\/orders\/(\d+)\//.exec(a.path)?.[1]
  return calls.some(
    (c) =>
      c.at >= a.start - 500 &&
      c.at <= a.end &&
      (!orderNo || (c.subject ?? '').startsWith(orderNo)) &&
      (c.fate !== 'ok' || (c.end ?? Number.POSITIVE_INFINITY) - c.at >= PAY_TIMEOUT_MS - 250)
  )
}
