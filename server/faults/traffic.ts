import { randomUUID } from 'node:crypto'
import type { FakeWechatPay } from '../test/support/fake-wechat-pay'
import type { Api, Outcome, RequestSpec } from './client'

export const STORES = ['SH001', 'SH002', 'BJ001'] as const
export const ACTIVITY = 'lucky-grid'
const CASHIER = { 'x-cashier-key': 'dev-cashier-key' }
const OPERATOR = { 'x-operator-key': 'dev-operator-key' }
const ADDRESS = { name: '王小慧', phone: '13800138000', region: '上海市 静安区', detail: '南京西路 1266 号' }

export interface Sku {
  id: number
  price: number
}

/** A person on a phone: their session, their member number and what the client remembers. */
export interface Person {
  label: string
  loginCode: string
  /** Their own client address (behind the load balancer, which the replicas trust for one hop). */
  xff: string
  pin: number
  token: string
  userId: number
  memberNo: string
  balance: number
  /** A member code pays with points once per window: no points sale before this time. */
  codeSpentUntil: number
  drawsLeft: number
  coupons: number[]
  invitedBy: string | null
}

export type ActionKind =
  | 'join'
  | 'consent'
  | 'adjust'
  | 'coupon'
  | 'sale'
  | 'sale-refund'
  | 'order'
  | 'cancel'
  | 'pay'
  | 'refund'
  | 'draw'
  | 'visit'

/** One user action under one Idempotency-Key, however many attempts it took. */
export interface Action {
  kind: ActionKind
  spec: RequestSpec
  /** The key space the server files the key under (user:<id>, cashier, service). */
  scope: string
  memberNo: string | null
  /** The order (or receipt) the action is about, when there is one. */
  subject: string | null
  start: number
  end: number
  attempts: number
  outcome: Outcome['kind']
  code: string | null
  status: number | null
  /** What the answer says was created or changed (order number, draw number, …). */
  businessId: string | null
  body: any
  /** The first 2xx was "lost" on purpose and the request sent again with the same key. */
  replay: { first: string | null; second: string | null } | null
}

export interface NotifyDelivery {
  kind: 'pay' | 'refund'
  subject: string
  spec: RequestSpec
  duplicate: boolean
  start: number
  end: number
  outcome: Outcome['kind']
  status: number | null
  code: string | null
}

export interface Options {
  random: () => number
  skus: { hot: Sku; regular: Sku; cheap: Sku }
  couponTemplateId: number
  /** Share of successful writes whose answer the client "loses" and asks for again. */
  loseAnswerRate: number
}

const businessIdOf = (kind: ActionKind, body: any): string | null => {
  if (!body || typeof body !== 'object') return null
  switch (kind) {
    case 'sale':
    case 'sale-refund':
      return `${body.storeCode}:${body.receiptNo}:${body.status}`
    case 'order':
    case 'pay':
      return body.orderNo ?? null
    case 'cancel':
      return `${body.orderNo}:${body.status}`
    case 'refund':
      return (body.refunds as { refundNo: string }[] | undefined)?.map((r) => r.refundNo).sort().join(',') ?? null
    case 'draw':
      return body.drawNo ?? null
    case 'join':
      return body.card?.memberNo ?? null
    case 'coupon':
    case 'adjust':
      return body.id === undefined ? null : String(body.id)
    case 'visit':
      return String(body.bound)
    case 'consent':
      return String(body.noticeCredits)
  }
}

const userIdOf = (token: string): number => Number(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).sub)

/**
 * The people, the traffic they make and everything they were told. Each virtual client plays one
 * member: till sales with points, orders with points and coupons paid with WeChat Pay (notifies
 * sometimes duplicated, sometimes lost), refunds, lucky draws and friends joining through invites.
 */
export class World {
  readonly persons: Person[] = []
  readonly invitees: Person[] = []
  readonly actions: Action[] = []
  readonly notifies: NotifyDelivery[] = []
  /** Orders the payer paid at WeChat Pay (the fake): each must end paid in the database. */
  readonly paidAtWechat = new Map<string, Person>()
  /** Work whose outcome no answer settled before the load ended: driven again in the drain. */
  readonly unresolved: (Action | NotifyDelivery)[] = []
  private seq = 0
  private readonly runId = randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase()
  /** No new attempt after this (the load's end, later the drain's). */
  deadline = Number.POSITIVE_INFINITY

  constructor(
    private readonly api: Api,
    private readonly pay: FakeWechatPay,
    private readonly options: Options
  ) {}

  private rand = () => this.options.random()
  private chance = (p: number) => this.rand() < p
  private int = (min: number, max: number) => min + Math.floor(this.rand() * (max - min + 1))
  private pick = <T>(items: readonly T[]): T => items[Math.floor(this.rand() * items.length)]
  newKey = () => `flt_${randomUUID().replace(/-/g, '')}`
  private memberHeaders = (p: Person) => ({ authorization: `Bearer ${p.token}`, 'x-forwarded-for': p.xff })
  private timeoutOf = (route: string) => (/pay|refund|cancel|join/.test(route) ? 12_000 : 8_000)

  /** One action: sent until a final answer, its answer sometimes "lost" and asked for again with the same key. */
  async act(kind: ActionKind, spec: RequestSpec, who: { scope: string; memberNo: string | null; subject?: string | null }, lose = true): Promise<Action> {
    const action: Action = {
      kind,
      spec,
      scope: who.scope,
      memberNo: who.memberNo,
      subject: who.subject ?? null,
      start: Date.now(),
      end: 0,
      attempts: 0,
      outcome: 'unknown',
      code: null,
      status: null,
      businessId: null,
      body: null,
      replay: null
    }
    this.actions.push(action)
    let outcome = await this.api.request(spec, { deadline: this.deadline, timeoutMs: this.timeoutOf(spec.route) })
    action.attempts = outcome.attempts
    if (outcome.kind === 'ok' && lose && this.chance(this.options.loseAnswerRate)) {
      // The phone lost the answer (a tunnel, a timeout): the same request again, the same key.
      const first = businessIdOf(kind, outcome.body)
      const again = await this.api.request(spec, { deadline: Math.max(this.deadline, Date.now() + 15_000), timeoutMs: this.timeoutOf(spec.route) })
      action.attempts += again.attempts
      action.replay = { first, second: again.kind === 'ok' ? businessIdOf(kind, again.body) : `(${again.kind} ${again.kind === 'refused' ? again.code : again.error})` }
      if (again.kind === 'ok') outcome = again
    }
    this.settle(action, outcome)
    if (action.outcome === 'unknown') this.unresolved.push(action)
    return action
  }

  private settle(action: Action, outcome: Outcome) {
    action.end = Date.now()
    action.outcome = outcome.kind
    if (outcome.kind === 'unknown') return
    action.status = outcome.status
    action.body = outcome.body
    if (outcome.kind === 'ok') action.businessId = businessIdOf(action.kind, outcome.body)
    else action.code = outcome.code
  }

  /** The drain: every action and notify without a final answer is sent again (same key) until it has one. */
  async resolve(item: Action | NotifyDelivery): Promise<boolean> {
    const outcome = await this.api.request(item.spec, { deadline: this.deadline, timeoutMs: this.timeoutOf(item.spec.route) })
    if ('scope' in item) {
      item.attempts += outcome.attempts
      this.settle(item, outcome)
    } else {
      item.end = Date.now()
      item.outcome = outcome.kind
      if (outcome.kind !== 'unknown') {
        item.status = outcome.status
        item.code = outcome.kind === 'refused' ? outcome.code : null
      }
    }
    return outcome.kind !== 'unknown'
  }

  // ---- setup -------------------------------------------------------------------------------

  /** A person logs in on a phone of their own; not a member yet. */
  async login(label: string, pin: number): Promise<Person> {
    const loginCode = `${label}_${randomUUID().replace(/-/g, '')}`
    const xff = `10.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`
    const outcome = await this.api.request(
      { route: 'POST /api/auth/login', method: 'POST', path: '/api/auth/login', body: { code: loginCode }, headers: { 'x-forwarded-for': xff }, pin },
      { deadline: Math.max(this.deadline, Date.now() + 20_000), timeoutMs: 8_000 }
    )
    if (outcome.kind !== 'ok') throw new Error(`login failed: ${JSON.stringify(outcome)}`)
    const token = outcome.body.token as string
    return { label, loginCode, xff, pin, token, userId: userIdOf(token), memberNo: '', balance: 0, codeSpentUntil: 0, drawsLeft: 10, coupons: [], invitedBy: null }
  }

  private memberSpec(p: Person, route: string, path: string, body?: unknown): RequestSpec {
    const method = route.split(' ')[0] as 'GET' | 'POST'
    return { route, method, path, body, headers: this.memberHeaders(p), key: method === 'POST' ? this.newKey() : undefined, pin: p.pin }
  }

  private asMember = (p: Person, subject: string | null = null) => ({ scope: `user:${p.userId}`, memberNo: p.memberNo || null, subject })

  /** One of the 64: joined at a store, points to spend, two coupons, consent to two tier-up messages. */
  async setupMember(index: number, pin: number): Promise<Person> {
    const p = await this.login(`c${index}`, pin)
    const store = this.pick(STORES)
    const joined = await this.act('join', this.memberSpec(p, 'POST /api/members/join', '/api/members/join', { storeCode: store }), this.asMember(p), false)
    if (joined.outcome !== 'ok') throw new Error(`setup join failed: ${JSON.stringify(joined.body ?? joined.code)}`)
    p.memberNo = joined.body.card.memberNo
    for (let i = 0; i < 2; i++) {
      await this.act('consent', this.memberSpec(p, 'POST /api/members/me/tier/notices', '/api/members/me/tier/notices', { accepted: true }), this.asMember(p), false)
    }
    const adjusted = await this.act(
      'adjust',
      { route: 'POST /api/admin/points/adjustments', method: 'POST', path: '/api/admin/points/adjustments', body: { memberNo: p.memberNo, points: 3000, reason: '故障演练充值' }, headers: OPERATOR, key: this.newKey(), pin },
      { scope: 'service', memberNo: p.memberNo },
      false
    )
    if (adjusted.outcome !== 'ok') throw new Error(`setup adjustment failed: ${JSON.stringify(adjusted.body)}`)
    p.balance = 100 + 3000
    for (let i = 0; i < 2; i++) await this.issueCoupon(p, false)
    if (p.coupons.length === 0) throw new Error('setup: no coupon issued')
    this.persons.push(p)
    return p
  }

  private async issueCoupon(p: Person, lose = true) {
    const issued = await this.act(
      'coupon',
      { route: 'POST /api/admin/coupons', method: 'POST', path: '/api/admin/coupons', body: { templateId: this.options.couponTemplateId, memberNo: p.memberNo }, headers: OPERATOR, key: this.newKey(), pin: p.pin },
      { scope: 'service', memberNo: p.memberNo },
      lose
    )
    if (issued.outcome === 'ok') p.coupons.push(issued.body.id)
  }

  // ---- the load ----------------------------------------------------------------------------

  /** One client's loop until the load ends: weighted mixed traffic with a little think time. */
  async client(p: Person, until: number) {
    const flows: [number, () => Promise<unknown>][] = [
      [30, () => this.tillSale(p)],
      [30, () => this.orderFlow(p)],
      [14, () => this.drawFlow(p)],
      [8, () => this.inviteFlow(p)],
      [12, () => this.reads(p)],
      [3, () => this.issueCoupon(p)]
    ]
    const total = flows.reduce((sum, [w]) => sum + w, 0)
    while (Date.now() < until) {
      let ticket = this.rand() * total
      const flow = flows.find(([w]) => (ticket -= w) < 0)![1]
      try {
        await flow()
      } catch (error) {
        // A bug in the suite, not in the server: it must be seen, not turn into a quiet client.
        console.error(`client ${p.label}: ${(error as Error).stack}`)
      }
      await new Promise((resolve) => setTimeout(resolve, this.int(50, 300)))
    }
  }

  async tillSale(p: Person) {
    const code = await this.api.request(this.memberSpec(p, 'GET /api/members/me/code', '/api/members/me/code'), { deadline: this.deadline, timeoutMs: 8_000 })
    if (code.kind !== 'ok') return
    const goodsAmount = this.int(2000, 150_000)
    const maxPoints = Math.min(Math.floor(goodsAmount / 20), 500, p.balance)
    const withPoints = Date.now() > p.codeSpentUntil && maxPoints >= 100 && this.chance(0.75)
    const body: Record<string, unknown> = {
      storeCode: this.pick(STORES),
      receiptNo: `F${this.runId}${(++this.seq).toString().padStart(6, '0')}`,
      memberCode: code.body.code,
      goodsAmount
    }
    if (withPoints) body.pointsToUse = 100 * this.int(1, Math.floor(maxPoints / 100))
    const sale = await this.act(
      'sale',
      { route: 'POST /api/cashier/sales', method: 'POST', path: '/api/cashier/sales', body, headers: CASHIER, key: this.newKey(), pin: p.pin },
      { scope: 'cashier', memberNo: p.memberNo, subject: `${body.storeCode}:${body.receiptNo}` }
    )
    if (withPoints && (sale.outcome === 'ok' || sale.code === 'MEMBER_CODE_USED')) p.codeSpentUntil = Date.parse(code.body.expiresAt)
    if (sale.outcome !== 'ok') return
    p.balance = sale.body.balance
    if (this.chance(0.1)) {
      await this.act(
        'sale-refund',
        {
          route: 'POST /api/cashier/sales/:storeCode/:receiptNo/refund',
          method: 'POST',
          path: `/api/cashier/sales/${body.storeCode}/${body.receiptNo}/refund`,
          headers: CASHIER,
          key: this.newKey(),
          pin: p.pin
        },
        { scope: 'cashier', memberNo: p.memberNo, subject: `${body.storeCode}:${body.receiptNo}` }
      )
    }
  }

  async orderFlow(p: Person) {
    const { hot, regular, cheap } = this.options.skus
    const lines = new Map<number, number>()
    if (this.chance(0.5)) lines.set(hot.id, this.int(1, 2))
    if (lines.size === 0 || this.chance(0.5)) lines.set(this.chance(0.5) ? regular.id : cheap.id, this.int(1, 2))
    const items = [...lines].map(([skuId, quantity]) => ({ skuId, quantity }))
    const price = (id: number) => [hot, regular, cheap].find((s) => s.id === id)!.price
    const goods = items.reduce((sum, item) => sum + price(item.skuId) * item.quantity, 0)
    const body: Record<string, unknown> = { items, address: ADDRESS }
    // The coupon this suite issues: ¥10 off from ¥50.
    let afterCoupon = goods
    if (p.coupons.length > 0 && goods >= 5000 && this.chance(0.6)) {
      body.couponId = p.coupons.shift()
      afterCoupon -= 1000
    }
    const maxPoints = Math.min(Math.floor(afterCoupon / 20), 300, p.balance)
    if (maxPoints >= 100 && this.chance(0.5)) body.pointsToUse = 100 * this.int(1, Math.floor(maxPoints / 100))

    const placed = await this.act('order', this.memberSpec(p, 'POST /api/orders', '/api/orders', body), this.asMember(p))
    if (placed.outcome !== 'ok') return
    const orderNo = placed.body.orderNo as string
    if (body.pointsToUse) p.balance -= body.pointsToUse as number
    if (this.chance(0.12)) {
      await this.act('cancel', this.memberSpec(p, 'POST /api/orders/:orderNo/cancel', `/api/orders/${orderNo}/cancel`), this.asMember(p, orderNo))
      if (body.couponId) p.coupons.push(body.couponId as number)
      return
    }
    const paying = await this.act('pay', this.memberSpec(p, 'POST /api/orders/:orderNo/pay', `/api/orders/${orderNo}/pay`), this.asMember(p, orderNo))
    if (paying.outcome !== 'ok' || paying.body.provider !== 'wechat') return

    // The payer pays in WeChat; WeChat Pay then notifies (sometimes twice, sometimes not at all).
    let notify: { headers: Record<string, string>; body: string }
    try {
      notify = this.pay.pay(orderNo)
    } catch {
      return // the prepay never reached WeChat Pay: nothing to pay
    }
    this.paidAtWechat.set(orderNo, p)
    if (this.chance(0.15)) {
      // The notify is lost: the order page asks WeChat Pay itself.
      await this.api.request(this.memberSpec(p, 'GET /api/orders/:orderNo', `/api/orders/${orderNo}`), { deadline: this.deadline, timeoutMs: 8_000 })
    } else {
      const spec: RequestSpec = { route: 'POST /api/pay/wechat/notify', method: 'POST', path: '/api/pay/wechat/notify', rawBody: notify.body, headers: notify.headers, pin: p.pin }
      const first = this.deliver('pay', orderNo, spec, false)
      if (this.chance(0.3)) {
        // Duplicated: at once to the other replica, or again after the first was answered.
        const again = { ...spec, pin: p.pin + 1 }
        if (this.chance(0.5)) await Promise.all([first, this.deliver('pay', orderNo, again, true)])
        else await first.then(() => this.deliver('pay', orderNo, again, true))
      } else await first
    }

    if (!this.chance(0.45)) return
    const order = await this.api.request(this.memberSpec(p, 'GET /api/orders/:orderNo', `/api/orders/${orderNo}`), { deadline: this.deadline, timeoutMs: 8_000 })
    if (order.kind !== 'ok' || order.body.status !== 'paid') return
    const units = items.reduce((sum, item) => sum + item.quantity, 0)
    const refundBody: Record<string, unknown> = { reason: '不想要了' }
    // Item by item: one unit of one line, when there is more than one unit.
    if (units > 1 && this.chance(0.6)) refundBody.items = [{ skuId: items[0].skuId, quantity: 1 }]
    const refund = await this.act('refund', this.memberSpec(p, 'POST /api/orders/:orderNo/refund', `/api/orders/${orderNo}/refund`, refundBody), this.asMember(p, orderNo))
    if (refund.outcome !== 'ok') return
    for (const r of refund.body.refunds as { refundNo: string; status: string }[]) {
      if (r.status !== 'processing' || !this.chance(0.85)) continue
      let refundNotify: { headers: Record<string, string>; body: string }
      try {
        refundNotify = this.pay.refundNotify(r.refundNo, 'SUCCESS')
      } catch {
        continue // WeChat Pay never got this refund: the sync job asks again later
      }
      const spec: RequestSpec = { route: 'POST /api/pay/wechat/refund-notify', method: 'POST', path: '/api/pay/wechat/refund-notify', rawBody: refundNotify.body, headers: refundNotify.headers, pin: p.pin }
      await this.deliver('refund', r.refundNo, spec, false)
      if (this.chance(0.3)) await this.deliver('refund', r.refundNo, { ...spec, pin: p.pin + 1 }, true)
    }
  }

  /** WeChat Pay sends a notify until it is answered 2xx. */
  private async deliver(kind: 'pay' | 'refund', subject: string, spec: RequestSpec, duplicate: boolean) {
    const delivery: NotifyDelivery = { kind, subject, spec, duplicate, start: Date.now(), end: 0, outcome: 'unknown', status: null, code: null }
    this.notifies.push(delivery)
    const outcome = await this.api.request(spec, { deadline: this.deadline, timeoutMs: 8_000 })
    delivery.end = Date.now()
    delivery.outcome = outcome.kind
    if (outcome.kind !== 'unknown') {
      delivery.status = outcome.status
      delivery.code = outcome.kind === 'refused' ? outcome.code : null
    } else this.unresolved.push(delivery)
  }

  async drawFlow(p: Person) {
    if (p.drawsLeft <= 0) return this.reads(p)
    const drawn = await this.act('draw', this.memberSpec(p, 'POST /api/draw/activities/:code/draws', `/api/draw/activities/${ACTIVITY}/draws`), this.asMember(p))
    if (drawn.outcome === 'ok') {
      p.drawsLeft = drawn.body.drawsLeftToday
      p.balance = drawn.body.balance
    }
    if (drawn.code === 'DRAW_DAILY_LIMIT') p.drawsLeft = 0
  }

  /** A friend arrives through this member's invite and joins. */
  async inviteFlow(p: Person) {
    const summary = await this.api.request(this.memberSpec(p, 'GET /api/referral/me', '/api/referral/me'), { deadline: this.deadline, timeoutMs: 8_000 })
    if (summary.kind !== 'ok') return
    let friend: Person
    try {
      friend = await this.login(`i${this.invitees.length}`, p.pin)
    } catch {
      return
    }
    friend.invitedBy = p.memberNo
    const visit = await this.act('visit', this.memberSpec(friend, 'POST /api/referral/visits', '/api/referral/visits', { code: summary.body.code, channel: this.chance(0.5) ? 'card' : 'poster' }), this.asMember(friend))
    if (visit.outcome !== 'ok') return
    const joinBody = this.chance(0.5) ? {} : { storeCode: this.pick(STORES) }
    const joined = await this.act('join', this.memberSpec(friend, 'POST /api/members/join', '/api/members/join', joinBody), this.asMember(friend))
    if (joined.outcome === 'ok') friend.memberNo = joined.body.card.memberNo
    // Known either way: a join with no answer may still have happened (checked afterwards).
    this.invitees.push(friend)
  }

  async reads(p: Person) {
    const card = await this.api.request(this.memberSpec(p, 'GET /api/members/me', '/api/members/me'), { deadline: this.deadline, timeoutMs: 8_000 })
    if (card.kind === 'ok') p.balance = card.body.points.balance
    const path = this.pick(['/api/orders?limit=5', `/api/draw/activities/${ACTIVITY}`, '/api/points/summary', '/api/coupons'])
    const route = path.startsWith('/api/orders') ? 'GET /api/orders' : path.startsWith('/api/draw') ? 'GET /api/draw/activities/:code' : `GET ${path}`
    await this.api.request(this.memberSpec(p, route, path), { deadline: this.deadline, timeoutMs: 8_000 })
  }
}
