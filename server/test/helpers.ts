import { randomInt, randomUUID } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import assert from 'node:assert/strict'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../src/app'
import { loadConfig, type Config } from '../src/config'
import { connectPglite, connectPostgres, type Database } from '../src/db'
import { migrate } from '../src/db/migrate'
import { seedDemoData } from '../src/seed/demo'
import { devWechatAdapter, type WechatAdapter } from '../src/wechat'
import type { WechatPay } from '../src/wechat/pay'
import { apiErrors, type ApiErrorCode } from '../../types/errors'

/** A business clock the tests move by hand; it never moves by itself, so runs are deterministic. */
export interface TestClock {
  now(): Date
  set(at: Date | string | number): void
  advance(ms: number): void
}

export function movableClock(start: Date | string | number = DEFAULT_START): TestClock {
  let current = new Date(start).getTime()
  return {
    now: () => new Date(current),
    set: (at) => {
      current = new Date(at).getTime()
    },
    advance: (ms) => {
      current += ms
    }
  }
}

/** A whole second, well inside a member-code window, in Asia/Shanghai business hours. */
export const DEFAULT_START = '2026-03-02T02:00:05.000Z'
export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

export interface StartOptions {
  /** Extra environment for loadConfig (SESSION_TTL_SECONDS, WX_APPID, …). */
  env?: Record<string, string>
  /** The WeChat adapter; the dev one unless given. */
  wechat?: WechatAdapter | ((config: Config) => WechatAdapter)
  /** Where the clock starts. */
  now?: Date | string | number
  /** WeChat Pay; none (the dev provider pays) unless given. */
  wechatPay?: WechatPay
  /** Another app on this (already migrated) database, e.g. to try another configuration; left open on close(). */
  db?: Database
}

export interface TestApp {
  app: FastifyInstance
  db: Database
  clock: TestClock
  config: Config
  /** Logs in with `code` (a fresh random one by default, so every call is a new person); returns the token. */
  login(code?: string): Promise<string>
  /** POST /api/members/join with a fresh Idempotency-Key unless one is given. */
  join(token: string, body: unknown, idempotencyKey?: string): Promise<LightMyRequestResponse>
  close(): Promise<void>
}

export const uniqueCode = (prefix = 'code') => `${prefix}_${randomUUID().replace(/-/g, '')}`
export const newKey = () => `key_${randomUUID().replace(/-/g, '')}`
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/**
 * The app on a real PostgreSQL when DATABASE_URL is set (shared by every test file, so tests use
 * their own people), otherwise on an in-memory PGlite of its own; migrated and seeded either way.
 */
export async function startTestApp(options: StartOptions = {}): Promise<TestApp> {
  const databaseUrl = process.env.DATABASE_URL || null
  const ownsDb = !options.db
  const db = options.db ?? (databaseUrl ? connectPostgres(databaseUrl) : await connectPglite())
  if (ownsDb) {
    await migrate(db)
    await seedDemoData(db)
  }

  const clock = movableClock(options.now)
  const config = loadConfig({
    NODE_ENV: 'test',
    // Never serve (or race with a rebuild of) the h5 bundle from tests.
    H5_DIR: path.join(os.tmpdir(), `loyalty-mall-no-h5-${randomUUID()}`),
    ADMIN_DIR: path.join(os.tmpdir(), `loyalty-mall-no-admin-${randomUUID()}`),
    LOG_LEVEL: 'silent',
    ...(databaseUrl && { DATABASE_URL: databaseUrl }),
    // Rate limits in Redis when the run has one (each app counts under a namespace of its own).
    ...(process.env.REDIS_URL && { REDIS_URL: process.env.REDIS_URL }),
    ...options.env
  })
  const wechat =
    typeof options.wechat === 'function' ? options.wechat(config) : (options.wechat ?? devWechatAdapter())
  const app = await buildApp({ config, db, wechat, wechatPay: options.wechatPay ?? null, clock: () => clock.now(), logger: false })
  await app.ready()

  const login = async (code = uniqueCode()) => {
    const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { code } })
    assert.equal(response.statusCode, 200, `login failed: ${response.body}`)
    return response.json().token as string
  }

  const join = (token: string, body: unknown, idempotencyKey = newKey()) =>
    app.inject({
      method: 'POST',
      url: '/api/members/join',
      headers: { ...bearer(token), 'idempotency-key': idempotencyKey },
      payload: body as Record<string, unknown>
    })

  return {
    app,
    db,
    clock,
    config,
    login,
    join,
    async close() {
      await app.close()
      if (ownsDb) await db.close()
    }
  }
}

/** The user id a session token names (its `sub`), read without verifying. */
export function userIdOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { sub: string }
  return Number(payload.sub)
}

/** Asserts an error answer: the status and stable code of types/errors.ts, and a message a person can read. */
export function assertApiError(response: LightMyRequestResponse, code: ApiErrorCode, context = '') {
  const where = `${context ? `${context}: ` : ''}${response.statusCode} ${response.body}`
  assert.equal(response.statusCode, apiErrors[code].status, where)
  assert.match(String(response.headers['content-type']), /^application\/json/, where)
  const body = response.json() as { code: string; message: string }
  assert.equal(body.code, code, where)
  assert.equal(body.message, apiErrors[code].message, where)
  assert.ok(body.message.length > 0 && /[\u4e00-\u9fff]/.test(body.message), `message should be zh-CN: ${where}`)
}

/** Tables a request may change; fingerprinted to prove that a refused request changed nothing. */
const WRITABLE_TABLES: Record<string, string> = {
  users: 'id',
  members: 'id',
  point_accounts: 'member_id',
  point_entries: 'id',
  point_lots: 'id',
  point_allocations: 'entry_id, lot_id',
  point_expiry_reminders: 'member_id, expires_on',
  store_sales: 'id',
  orders: 'id',
  order_items: 'order_id, sku_id',
  order_refunds: 'id',
  order_refund_items: 'refund_id, sku_id',
  coupon_templates: 'id',
  member_coupons: 'id',
  skus: 'id',
  idempotency_keys: 'scope, key',
  stores: 'id',
  staff: 'id',
  tiers: 'code',
  loyalty_rules: 'singleton',
  operators: 'id',
  operator_stores: 'operator_id, store_id',
  operator_sessions: 'token_hash',
  operator_rules: 'singleton',
  tills: 'id',
  audit_log: 'id',
  point_adjustments: 'id',
  member_tags: 'member_id, tag',
  member_code_spends: 'member_id, code_window'
}

/** Row count and a digest of every row of each writable table. */
export async function snapshot(db: Database): Promise<Record<string, string>> {
  const result: Record<string, string> = {}
  for (const [table, order] of Object.entries(WRITABLE_TABLES)) {
    const { rows } = await db.query<{ n: number; digest: string | null }>(
      `SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY ${order}), '')) AS digest FROM ${table} t`
    )
    result[table] = `${rows[0].n}:${rows[0].digest}`
  }
  return result
}

export async function count(db: Database, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql, params)
  return Number(rows[0].n)
}

/** A new member (joined at SH001, 100 welcome points) with the session token and ids. */
export async function newMember(t: TestApp): Promise<{ token: string; memberId: number; memberNo: string }> {
  const token = await t.login()
  const joined = await t.join(token, { storeCode: 'SH001' })
  assert.equal(joined.statusCode, 200, joined.body)
  const memberNo = joined.json().card.memberNo as string
  const { rows } = await t.db.query<{ id: number }>('SELECT id FROM members WHERE member_no = $1', [memberNo])
  return { token, memberId: rows[0].id, memberNo }
}

/** Ledger invariants of one member, read from the database; throws with what broke. */
export async function assertLedgerConsistent(db: Database, memberId: number) {
  const { rows: [account] } = await db.query<{ balance: number; pending: number }>(
    'SELECT balance, pending FROM point_accounts WHERE member_id = $1',
    [memberId]
  )
  const { rows: entries } = await db.query<{ amount: number; pendingChange: number; balanceAfter: number; pendingAfter: number; kind: string }>(
    `SELECT amount, pending_change AS "pendingChange", balance_after AS "balanceAfter", pending_after AS "pendingAfter", kind
     FROM point_entries WHERE member_id = $1 ORDER BY id`,
    [memberId]
  )
  let balance = 0
  let pending = 0
  for (const entry of entries) {
    balance += entry.amount
    pending += entry.pendingChange
    assert.equal(entry.balanceAfter, balance, 'balance_after is the running sum')
    assert.equal(entry.pendingAfter, pending, 'pending_after is the running sum')
    // Entries that leave the balance alone (a pending earning, a void) may post while in debt.
    if (balance < 0 && entry.amount < 0) assert.equal(entry.kind, 'reverse', `only a reversal makes or deepens a debt (${entry.kind})`)
  }
  assert.equal(account.balance, balance, 'balance = Σ entries')
  assert.equal(account.pending, pending, 'pending = Σ pending changes')
  const { rows: [lots] } = await db.query<{ usable: number; pendingLots: number; bad: number }>(
    `SELECT COALESCE(sum(remaining) FILTER (WHERE unlocked_at IS NOT NULL), 0) AS usable,
            COALESCE(sum(remaining) FILTER (WHERE unlocked_at IS NULL), 0) AS "pendingLots",
            count(*) FILTER (WHERE remaining < 0 OR remaining > amount) AS bad
     FROM point_lots WHERE member_id = $1`,
    [memberId]
  )
  assert.equal(lots.usable, Math.max(balance, 0), 'usable lots hold max(balance, 0)')
  assert.equal(lots.pendingLots, pending, 'pending lots hold the pending points')
  assert.equal(lots.bad, 0, '0 ≤ remaining ≤ amount')
  const overdrawn = await count(
    db,
    `SELECT count(*) AS n FROM point_lots l WHERE l.member_id = $1 AND
       l.remaining + (SELECT COALESCE(sum(a.points - a.returned), 0) FROM point_allocations a WHERE a.lot_id = l.id) > l.amount`,
    [memberId]
  )
  assert.equal(overdrawn, 0, 'no lot gives out more than it held')
  const { rows: [growth] } = await db.query<{ growth: number; entries: number }>(
    `SELECT m.growth, (SELECT COALESCE(sum(g.amount), 0)::int FROM growth_entries g WHERE g.member_id = m.id) AS entries
     FROM members m WHERE m.id = $1`,
    [memberId]
  )
  assert.equal(growth.entries, growth.growth, 'growth = Σ growth entries')
}

/** A SKU of its own for a test, so tests on a shared database never share stock. */
export async function newSku(t: TestApp, price: number, stock: number): Promise<number> {
  const { rows: categories } = await t.db.query<{ id: number }>('SELECT id FROM categories ORDER BY id LIMIT 1')
  const { rows: products } = await t.db.query<{ id: number }>(
    `INSERT INTO products (category_id, name, subtitle, spec_names) VALUES ($1, '测试商品', '', '{颜色}') RETURNING id`,
    [categories[0].id]
  )
  const { rows } = await t.db.query<{ id: number }>(
    `INSERT INTO skus (product_id, specs, price, stock) VALUES ($1, '{"颜色": "黑"}', $2, $3) RETURNING id`,
    [products[0].id, price, stock]
  )
  return rows[0].id
}

/** A member's call with a fresh Idempotency-Key (GETs without). */
export function memberCall(t: TestApp, token: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) {
  const headers = method === 'POST' ? { ...bearer(token), 'idempotency-key': newKey() } : bearer(token)
  return t.app.inject({ method, url, headers, ...(payload && { payload }) })
}

/** An operator's call (the dev operator key) with a fresh Idempotency-Key. */
export function operatorCall(t: TestApp, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) {
  const headers = { 'x-operator-key': 'dev-operator-key', ...(method !== 'GET' && { 'idempotency-key': newKey() }) }
  return t.app.inject({ method, url, headers, ...(payload && { payload }) })
}

export async function givePoints(t: TestApp, memberNo: string, points: number) {
  const response = await operatorCall(t, 'POST', '/api/admin/points/adjustments', { memberNo, points, reason: '测试充值' })
  assert.equal(response.statusCode, 200, response.body)
}

export const pointsOf = async (t: TestApp, memberId: number) =>
  (
    await t.db.query<{ balance: number; pending: number; growth: number }>(
      'SELECT a.balance, a.pending, m.growth FROM point_accounts a JOIN members m ON m.id = a.member_id WHERE m.id = $1',
      [memberId]
    )
  ).rows[0]

export const stockOf = async (t: TestApp, skuId: number) =>
  (await t.db.query<{ stock: number }>('SELECT stock FROM skus WHERE id = $1', [skuId])).rows[0].stock

export const shippingAddress = { name: '王小慧', phone: '13800138000', region: '上海市 静安区', detail: '南京西路 1266 号' }

export interface ConsoleSession {
  cookie: string
  csrfToken: string
  operatorId: string
}

/** A client address of its own, so the login route's per-IP limit counts only what a test means it to. */
export const someAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`

/** Signs in to the console; the cookie and CSRF token for later calls. */
export async function consoleLogin(t: TestApp, username: string, password: string): Promise<ConsoleSession> {
  const response = await t.app.inject({ method: 'POST', url: '/api/admin/auth/login', remoteAddress: someAddress(), payload: { username, password } })
  assert.equal(response.statusCode, 200, `console login failed: ${response.body}`)
  const cookie = response.cookies.find((c) => c.name === 'lm_admin_session')
  assert.ok(cookie, 'a session cookie is set')
  const body = response.json() as { csrfToken: string; operator: { id: string } }
  return { cookie: `lm_admin_session=${cookie.value}`, csrfToken: body.csrfToken, operatorId: body.operator.id }
}

/** A console account of this role (created with the service key) and its signed-in session. */
export async function consoleAccount(t: TestApp, role: string, storeCodes: string[] = []): Promise<ConsoleSession & { username: string; password: string }> {
  const username = `op_${randomUUID().replace(/-/g, '').slice(0, 12)}`
  const password = `pw-${randomUUID()}`
  const created = await operatorCall(t, 'POST', '/api/admin/accounts', { username, displayName: role, role, storeCodes, password })
  assert.equal(created.statusCode, 200, created.body)
  return { ...(await consoleLogin(t, username, password)), username, password }
}

/** A call as a signed-in console operator: cookie, CSRF token and (for writes) an Idempotency-Key. */
export function consoleCall(t: TestApp, session: ConsoleSession, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) {
  const headers: Record<string, string> = { cookie: session.cookie }
  if (method !== 'GET') Object.assign(headers, { 'x-csrf-token': session.csrfToken, 'idempotency-key': newKey() })
  return t.app.inject({ method, url, headers, ...(payload && { payload }) })
}
