import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { contract } from '../../types'
import { productionEnv } from './support/production-env'
import { can, permissionNames, ROLES, type Permission, type Role } from '../../types/permissions'
import type { RouteSpec } from '../../types/route'
import { loadConfig } from '../src/config'
import { connectPglite } from '../src/db'
import { migrate } from '../src/db/migrate'
import { ensureFirstAccount } from '../src/modules/operators/service'
import {
  assertApiError,
  bearer,
  consoleAccount,
  consoleCall,
  consoleLogin,
  count,
  HOUR,
  MINUTE,
  newKey,
  newMember,
  operatorCall,
  pointsOf,
  shippingAddress,
  snapshot,
  someAddress,
  newSku,
  startTestApp,
  type ConsoleSession,
  type TestApp
} from './helpers'

const routes = Object.entries(contract) as [string, RouteSpec][]
const operatorRoutes = routes.filter(([, spec]) => spec.auth === 'operator')
/** Operator and till writes: each must leave an audit row. */
const auditedRoutes = routes.filter(([key, spec]) => !key.startsWith('GET ') && !spec.readOnly && (spec.auth === 'operator' || spec.auth === 'cashier')).map(([key]) => key)

describe('operator console: accounts, roles, sessions, audit', () => {
  let t: TestApp
  let start: Date
  before(async () => {
    t = await startTestApp()
    start = t.clock.now()
  })
  after(() => t.close())

  const cashier = { 'x-cashier-key': 'dev-cashier-key' }
  const memberCode = async (token: string) =>
    (await t.app.inject({ method: 'GET', url: '/api/members/me/code', headers: bearer(token) })).json().code as string
  const memberAt = async (storeCode: string) => {
    const token = await t.login()
    const joined = await t.join(token, { storeCode })
    assert.equal(joined.statusCode, 200, joined.body)
    return { token, memberNo: joined.json().card.memberNo as string }
  }

  test('every operator route declares a permission the table knows; a route without one does not start', () => {
    for (const [key, spec] of operatorRoutes) assert.ok(spec.permission && spec.permission in permissionNames, `${key} declares a known permission`)
    for (const [key, spec] of routes.filter(([, s]) => s.auth !== 'operator')) assert.equal(spec.permission, undefined, key)
  })

  test('each role gets exactly the operator routes its permissions name, and FORBIDDEN for the rest', async () => {
    const table: Record<string, Record<Role, boolean>> = {}
    for (const role of ROLES) {
      const session = await consoleAccount(t, role, role === 'store_manager' ? ['SH001'] : [])
      // Signing out last: it ends the session the other calls use.
      const ordered = [...operatorRoutes].sort(([a], [b]) => Number(a.endsWith('/logout')) - Number(b.endsWith('/logout')))
      for (const [key, spec] of ordered) {
        const [method, url] = key.split(' ') as ['GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', string]
        // Placeholders fail the route's own validation, so an allowed write is refused with 400 and changes nothing.
        const response = await consoleCall(t, session, method, url.replace(/:[A-Za-z]+/g, 'x~'), method === 'GET' ? undefined : {})
        const forbidden = response.statusCode === 403 && response.json().code === 'FORBIDDEN'
        assert.equal(forbidden, !can(role, spec.permission as Permission), `${role} ${key}: ${response.statusCode} ${response.body.slice(0, 120)}`)
        assert.notEqual(response.statusCode, 500, `${role} ${key}`)
        ;(table[key] ??= {} as Record<Role, boolean>)[role] = !forbidden
      }
    }
    console.log(['| route | permission | ' + ROLES.join(' | ') + ' |', '|---|---|' + ROLES.map(() => '---').join('|') + '|',
      ...operatorRoutes.map(([key, spec]) => `| ${key} | ${spec.permission} | ${ROLES.map((r) => (table[key][r] ? '✓' : '—')).join(' | ')} |`)].join('\n'))
  })

  test('sign-in: the cookie is HttpOnly, SameSite=Strict and scoped to the API; every sign-in is a new session', async () => {
    const account = await consoleAccount(t, 'operations')
    const response = await t.app.inject({ method: 'POST', url: '/api/admin/auth/login', remoteAddress: someAddress(), payload: { username: account.username, password: account.password } })
    const cookie = response.cookies.find((c) => c.name === 'lm_admin_session')!
    assert.equal(cookie.httpOnly, true)
    assert.equal(cookie.sameSite, 'Strict')
    assert.equal(cookie.path, '/api/admin')
    assert.notEqual(`lm_admin_session=${cookie.value}`, account.cookie, 'a new session id')
    const me = await consoleCall(t, account, 'GET', '/api/admin/auth/me')
    assert.equal(me.statusCode, 200, me.body)
    assert.equal(me.json().operator.role, 'operations')
    assert.equal(me.json().csrfToken, account.csrfToken)
  })

  test('five wrong passwords lock the account for 15 minutes; unknown accounts answer like wrong passwords', async () => {
    const account = await consoleAccount(t, 'support')
    const attempt = (password: string) => t.app.inject({ method: 'POST', url: '/api/admin/auth/login', remoteAddress: '10.1.0.1', payload: { username: account.username, password } })
    for (let i = 0; i < 4; i++) assertApiError(await attempt('wrong-password'), 'LOGIN_FAILED', `attempt ${i + 1}`)
    assertApiError(await attempt('wrong-password'), 'ACCOUNT_LOCKED', 'the fifth')
    assertApiError(await attempt(account.password), 'ACCOUNT_LOCKED', 'even the right password while locked')
    assertApiError(
      await t.app.inject({ method: 'POST', url: '/api/admin/auth/login', remoteAddress: someAddress(), payload: { username: 'nobody_here', password: 'whatever-it-is' } }),
      'LOGIN_FAILED'
    )
    t.clock.advance(15 * MINUTE + 1000)
    const session = await consoleLogin(t, account.username, account.password)
    assert.ok(session.csrfToken)
    assert.equal(await count(t.db, `SELECT count(*) AS n FROM audit_log WHERE target_id = $1 AND action IN ('login_failed', 'login_locked')`, [account.operatorId]), 5)
    t.clock.set(start)
  })

  test('the login route is rate limited per IP', async () => {
    const address = '10.9.9.9'
    const responses = []
    for (let i = 0; i < 11; i++) {
      responses.push(await t.app.inject({ method: 'POST', url: '/api/admin/auth/login', remoteAddress: address, payload: { username: `nobody${i}x`, password: 'x' } }))
    }
    assertApiError(responses[9], 'LOGIN_FAILED')
    assertApiError(responses[10], 'RATE_LIMITED')
  })

  test('sessions end after 30 idle minutes and after 12 hours whatever the activity', async () => {
    const account = await consoleAccount(t, 'read_only')
    t.clock.advance(29 * MINUTE)
    assert.equal((await consoleCall(t, account, 'GET', '/api/admin/auth/me')).statusCode, 200)
    t.clock.advance(31 * MINUTE)
    assertApiError(await consoleCall(t, account, 'GET', '/api/admin/auth/me'), 'OPERATOR_SESSION_EXPIRED', 'idle')
    t.clock.set(start)
    const busy = await consoleLogin(t, account.username, account.password)
    for (let hour = 0; hour < 12 * 3; hour++) {
      t.clock.advance(20 * MINUTE)
      const me = await consoleCall(t, busy, 'GET', '/api/admin/auth/me')
      if (hour < 12 * 3 - 1) assert.equal(me.statusCode, 200, `after ${(hour + 1) * 20} minutes`)
      else assertApiError(me, 'OPERATOR_SESSION_EXPIRED', 'absolute')
    }
    t.clock.set(start)
  })

  test('logout and a password change revoke sessions; the new password works', async () => {
    const account = await consoleAccount(t, 'operations')
    const second = await consoleLogin(t, account.username, account.password)
    const out = await consoleCall(t, second, 'POST', '/api/admin/auth/logout')
    assert.equal(out.statusCode, 200, out.body)
    assertApiError(await consoleCall(t, second, 'GET', '/api/admin/auth/me'), 'OPERATOR_UNAUTHENTICATED', 'after logout')

    const third = await consoleLogin(t, account.username, account.password)
    assertApiError(await consoleCall(t, account, 'POST', '/api/admin/auth/password', { currentPassword: 'not-it-at-all', newPassword: 'a-new-password-1' }), 'PASSWORD_WRONG')
    assertApiError(await consoleCall(t, account, 'POST', '/api/admin/auth/password', { currentPassword: account.password, newPassword: `${account.username}-x` }), 'PASSWORD_TOO_WEAK')
    const changed = await consoleCall(t, account, 'POST', '/api/admin/auth/password', { currentPassword: account.password, newPassword: 'a-new-password-1' })
    assert.equal(changed.statusCode, 200, changed.body)
    assert.equal(changed.json().mustChangePassword, false)
    assertApiError(await consoleCall(t, account, 'GET', '/api/admin/auth/me'), 'OPERATOR_UNAUTHENTICATED', 'the session that changed it')
    assertApiError(await consoleCall(t, third, 'GET', '/api/admin/auth/me'), 'OPERATOR_UNAUTHENTICATED', 'another session')
    const renewed = changed.cookies.find((c) => c.name === 'lm_admin_session')!
    const fresh: ConsoleSession = { cookie: `lm_admin_session=${renewed.value}`, csrfToken: changed.json().csrfToken, operatorId: account.operatorId }
    assert.equal((await consoleCall(t, fresh, 'GET', '/api/admin/auth/me')).statusCode, 200)
    assertApiError(await t.app.inject({ method: 'POST', url: '/api/admin/auth/login', remoteAddress: someAddress(), payload: { username: account.username, password: account.password } }), 'LOGIN_FAILED')
    await consoleLogin(t, account.username, 'a-new-password-1')
  })

  test('writes without the session CSRF token are refused and change nothing', async () => {
    const ops = await consoleAccount(t, 'operations')
    const other = await consoleAccount(t, 'operations')
    const { memberNo } = await newMember(t)
    const before = await snapshot(t.db)
    const write = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/api/admin/points/adjustments', headers: { cookie: ops.cookie, 'idempotency-key': newKey(), ...headers }, payload: { memberNo, points: 10, reason: '测试' } })
    assertApiError(await write({}), 'CSRF_INVALID', 'missing')
    assertApiError(await write({ 'x-csrf-token': other.csrfToken }), 'CSRF_INVALID', "another session's")
    assertApiError(await write({ 'x-csrf-token': `${ops.csrfToken}x` }), 'CSRF_INVALID', 'tampered')
    assert.deepEqual(await snapshot(t.db), before)
    assert.equal((await write({ 'x-csrf-token': ops.csrfToken })).statusCode, 200)
  })

  test('a 门店店长 of SH001 sees only SH001: its members, tills and stores; others answer 404', async () => {
    const manager = await consoleAccount(t, 'store_manager', ['SH001'])
    const local = await memberAt('SH001')
    const away = await memberAt('BJ001')
    const list = (await consoleCall(t, manager, 'GET', '/api/admin/members?limit=100')).json()
    assert.ok(list.items.length > 0)
    for (const row of list.items) assert.equal(row.store?.code, 'SH001')
    assert.equal((await consoleCall(t, manager, 'GET', `/api/admin/members/${local.memberNo}`)).statusCode, 200)
    assertApiError(await consoleCall(t, manager, 'GET', `/api/admin/members/${away.memberNo}`), 'MEMBER_NOT_FOUND')
    assertApiError(await consoleCall(t, manager, 'GET', `/api/admin/members/${away.memberNo}/entries`), 'MEMBER_NOT_FOUND')
    const stores = (await consoleCall(t, manager, 'GET', '/api/admin/stores')).json().items
    assert.deepEqual(stores.map((s: { code: string }) => s.code), ['SH001'])
    assertApiError(await consoleCall(t, manager, 'POST', '/api/admin/tills', { storeCode: 'BJ001', name: '别家' }), 'STORE_NOT_FOUND')
    const mine = await consoleCall(t, manager, 'POST', '/api/admin/tills', { storeCode: 'SH001', name: '一号收银台' })
    assert.equal(mine.statusCode, 200, mine.body)
    const tills = (await consoleCall(t, manager, 'GET', '/api/admin/tills')).json().items
    for (const till of tills) assert.equal(till.storeCode, 'SH001')
    assertApiError(await consoleCall(t, manager, 'POST', '/api/admin/stores/BJ001/staff', { code: 'Z1', name: '越权' }), 'STORE_NOT_FOUND')
  })

  test('maker-checker: a large adjustment waits; its maker cannot approve it; five approvals at once post it once', async () => {
    const maker = await consoleAccount(t, 'operations')
    const checker = await consoleAccount(t, 'operations')
    const { memberId, memberNo } = await newMember(t)
    const requested = await consoleCall(t, maker, 'POST', '/api/admin/points/adjustments', { memberNo, points: 6000, reason: '大客户补偿' })
    assert.equal(requested.statusCode, 200, requested.body)
    assert.equal(requested.json().status, 'pending')
    assert.equal(requested.json().maker, maker.username)
    assert.equal((await pointsOf(t, memberId)).balance, 100, 'nothing posts yet')
    const id = requested.json().id as string
    assertApiError(await consoleCall(t, maker, 'POST', `/api/admin/points/adjustments/${id}/approve`), 'ADJUSTMENT_SELF_APPROVAL')
    const pending = (await consoleCall(t, checker, 'GET', '/api/admin/points/adjustments?status=pending&limit=100')).json().items
    assert.ok(pending.some((a: { id: string }) => a.id === id))

    const approvals = await Promise.all(Array.from({ length: 5 }, () => consoleCall(t, checker, 'POST', `/api/admin/points/adjustments/${id}/approve`)))
    assert.equal(approvals.filter((r) => r.statusCode === 200).length, 1)
    for (const refused of approvals.filter((r) => r.statusCode !== 200)) assertApiError(refused, 'ADJUSTMENT_NOT_PENDING')
    assert.equal((await pointsOf(t, memberId)).balance, 6100)
    const { rows } = await t.db.query<{ actor: string }>(`SELECT actor FROM point_entries WHERE member_id = $1 AND kind = 'adjust'`, [memberId])
    assert.deepEqual(rows.map((r) => r.actor), [maker.username], 'one entry, made by the maker')
    const approved = approvals.find((r) => r.statusCode === 200)!.json()
    assert.equal(approved.checker, checker.username)
    assert.equal(approved.balanceAfter, 6100)

    const second = (await consoleCall(t, maker, 'POST', '/api/admin/points/adjustments', { memberNo, points: -5500, reason: '误操作冲回' })).json()
    assertApiError(await consoleCall(t, checker, 'POST', `/api/admin/points/adjustments/${second.id}/reject`, { reason: 'x' }), 'VALIDATION_FAILED')
    const rejected = await consoleCall(t, checker, 'POST', `/api/admin/points/adjustments/${second.id}/reject`, { reason: '金额有误，请核实' })
    assert.equal(rejected.json().status, 'rejected')
    assertApiError(await consoleCall(t, checker, 'POST', `/api/admin/points/adjustments/${second.id}/approve`), 'ADJUSTMENT_NOT_PENDING')
    assert.equal((await pointsOf(t, memberId)).balance, 6100)
  })

  test('客服 adjusts within its limit only; small adjustments post at once with the actor from the session', async () => {
    const support = await consoleAccount(t, 'support')
    const { memberId, memberNo } = await newMember(t)
    assertApiError(await consoleCall(t, support, 'POST', '/api/admin/points/adjustments', { memberNo, points: 501, reason: '补偿' }), 'ADJUSTMENT_OVER_ROLE_LIMIT')
    const posted = await consoleCall(t, support, 'POST', '/api/admin/points/adjustments', { memberNo, points: 300, reason: '投诉补偿' })
    assert.equal(posted.json().status, 'posted')
    assert.equal((await pointsOf(t, memberId)).balance, 400)
    assertApiError(await consoleCall(t, support, 'POST', '/api/admin/points/adjustments', { memberNo, points: 5, reason: '补偿', operator: 'someone-else' }), 'VALIDATION_FAILED')
    const audit = (await operatorCall(t, 'GET', `/api/admin/audit?targetType=members&targetId=${memberNo}`)).json().items
    assert.equal(audit[0].actor.name, support.username)
    assert.equal(audit[0].actor.role, 'support')
    assert.equal(audit[0].reason, '投诉补偿')
  })

  test("members: search, sort, cursor pages, the detail page, tags, tier and birthday, CSV with BOM", async () => {
    const ops = await consoleAccount(t, 'operations')
    const { token, memberNo } = await newMember(t)
    await t.app.inject({ method: 'POST', url: '/api/referral/nickname', headers: { ...bearer(token), 'idempotency-key': newKey() }, payload: { nickname: '=1+1' } })
    const found = (await consoleCall(t, ops, 'GET', `/api/admin/members?q=${memberNo}`)).json()
    assert.equal(found.total, 1)
    assert.equal(found.items[0].nickname, '=1+1')
    const byNickname = (await consoleCall(t, ops, 'GET', `/api/admin/members?q=${encodeURIComponent('=1+')}`)).json()
    assert.ok(byNickname.items.some((m: { memberNo: string }) => m.memberNo === memberNo))

    const seen = new Set<string>()
    let cursor: string | null = null
    let pages = 0
    const total = (await consoleCall(t, ops, 'GET', '/api/admin/members?storeCode=SH001')).json().total as number
    do {
      const page: { items: { memberNo: string; balance: number }[]; nextCursor: string | null } = (
        await consoleCall(t, ops, 'GET', `/api/admin/members?storeCode=SH001&sort=balance_desc&limit=7${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()
      for (const row of page.items) assert.ok(!seen.has(row.memberNo), 'no member twice across pages')
      page.items.forEach((row) => seen.add(row.memberNo))
      cursor = page.nextCursor
      pages++
    } while (cursor && pages < 1000)
    assert.equal(seen.size, total, 'every member once')

    assert.equal((await consoleCall(t, ops, 'POST', `/api/admin/members/${memberNo}/tags`, { tag: '高价值' })).json().tags.join(), '高价值')
    assertApiError(await consoleCall(t, ops, 'POST', `/api/admin/members/${memberNo}/tags`, { tag: 'a,b' }), 'VALIDATION_FAILED')
    assert.equal((await consoleCall(t, ops, 'GET', `/api/admin/members?tag=${encodeURIComponent('高价值')}`)).json().items[0].memberNo, memberNo)
    assert.deepEqual((await consoleCall(t, ops, 'DELETE', `/api/admin/members/${memberNo}/tags/${encodeURIComponent('高价值')}`)).json().tags, [])
    assertApiError(await consoleCall(t, ops, 'POST', `/api/admin/members/${memberNo}/tier`, { tierCode: 'normal', reason: '重复设置' }), 'TIER_UNCHANGED')
    assert.equal((await consoleCall(t, ops, 'POST', `/api/admin/members/${memberNo}/tier`, { tierCode: 'silver', reason: '大客户' })).statusCode, 200)
    assert.equal((await consoleCall(t, ops, 'POST', `/api/admin/members/${memberNo}/birthday`, { birthday: '1990-04-01', reason: '会员来电' })).statusCode, 200)

    const detail = (await consoleCall(t, ops, 'GET', `/api/admin/members/${memberNo}`)).json()
    assert.equal(detail.member.tier.code, 'silver')
    assert.equal(detail.birthday, '1990-04-01')
    assert.equal(detail.lots[0].amount, 100, 'the welcome gift is a lot with its expiry')
    assert.equal(detail.tierChanges[0].operator, ops.username)
    assert.deepEqual(detail.audit.map((a: { action: string }) => a.action).slice(0, 4), [
      'POST /api/admin/members/:memberNo/birthday',
      'POST /api/admin/members/:memberNo/tier',
      'DELETE /api/admin/members/:memberNo/tags/:tag',
      'POST /api/admin/members/:memberNo/tags'
    ])
    const entries = (await consoleCall(t, ops, 'GET', `/api/admin/members/${memberNo}/entries`)).json()
    assert.equal(entries.items[0].balanceAfter, 100)

    const csv = await consoleCall(t, ops, 'GET', `/api/admin/members/export?q=${memberNo}`)
    assert.equal(csv.statusCode, 200)
    assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/)
    assert.match(String(csv.headers['content-disposition']), /attachment; filename="members-\d{8}\.csv"/)
    assert.equal(csv.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 BOM')
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n')
    assert.equal(lines[0], '会员号,昵称,入会时间,入会门店,导购,等级,成长值,可用积分,待生效积分,标签')
    assert.equal(lines.length, 2)
    assert.ok(lines[1].startsWith(`${memberNo},'=1+1,`), `a formula-like nickname is defused: ${lines[1]}`)
  })

  test('rules: preview, save with validation, history with who and before/after', async () => {
    const ops = await consoleAccount(t, 'operations')
    const current = (await consoleCall(t, ops, 'GET', '/api/admin/rules')).json()
    const tiers = current.tiers.map((tier: { code: string; pointsMultiplierPermille: number }) => (tier.code === 'silver' ? { ...tier, pointsMultiplierPermille: 1500 } : tier))
    const preview = (await consoleCall(t, ops, 'POST', '/api/admin/rules/preview', { tiers })).json()
    const silver = preview.lines.find((l: { label: string }) => l.label === '银卡支付 ¥100 获得')
    assert.deepEqual(silver, { label: '银卡支付 ¥100 获得', before: '120 积分', after: '150 积分', changed: true })
    assert.equal((await consoleCall(t, ops, 'GET', '/api/admin/rules')).json().tiers[1].pointsMultiplierPermille, 1200, 'a preview saves nothing')

    const before = await snapshot(t.db)
    const bad = await consoleCall(t, ops, 'PUT', '/api/admin/rules', { points: { ...current.points, expiryDays: 7, earnLockDays: 7 } })
    assertApiError(bad, 'RULES_INVALID')
    assert.equal(bad.json().field, 'points.expiryDays')
    const badTiers = current.tiers.map((tier: { code: string }) => (tier.code === 'gold' ? { ...tier, growthThreshold: 500 } : tier))
    assert.equal((await consoleCall(t, ops, 'PUT', '/api/admin/rules', { tiers: badTiers })).json().field, 'tiers.2.growthThreshold')
    assert.deepEqual(await snapshot(t.db), before, 'refused rules change nothing')

    const saved = await consoleCall(t, ops, 'PUT', '/api/admin/rules', { tiers })
    assert.equal(saved.statusCode, 200, saved.body)
    assert.equal(saved.json().tiers[1].pointsMultiplierPermille, 1500)
    const history = (await consoleCall(t, ops, 'GET', '/api/admin/rules/history')).json().items
    assert.equal(history[0].actor.name, ops.username)
    assert.equal(history[0].before.tiers[1].pointsMultiplierPermille, 1200)
    assert.equal(history[0].after.tiers[1].pointsMultiplierPermille, 1500)
    // Other test files share this database: put the rules back.
    assert.equal((await consoleCall(t, ops, 'PUT', '/api/admin/rules', { tiers: current.tiers })).statusCode, 200)
  })

  test('tills: a key of its own, bound to its store; rotate and revoke; a member code pays with points once', async () => {
    const manager = await consoleAccount(t, 'store_manager', ['SH001'])
    const created = (await consoleCall(t, manager, 'POST', '/api/admin/tills', { storeCode: 'SH001', name: '前台' })).json()
    const till = { 'x-cashier-key': created.key as string }
    const { token, memberNo } = await newMember(t)
    const sale = (headers: Record<string, string>, body: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/api/cashier/sales', headers: { ...headers, 'idempotency-key': newKey() }, payload: body })
    const code = await memberCode(token)
    const receipt = () => `R${randomUUID().slice(0, 8)}`
    assertApiError(await sale(till, { storeCode: 'SH002', receiptNo: receipt(), memberCode: code, goodsAmount: 10_000 }), 'TILL_STORE_MISMATCH')
    const first = await sale(till, { storeCode: 'SH001', receiptNo: receipt(), memberCode: code, goodsAmount: 10_000, pointsToUse: 100 })
    assert.equal(first.statusCode, 200, first.body)
    assertApiError(await sale(till, { storeCode: 'SH001', receiptNo: receipt(), memberCode: code, goodsAmount: 10_000, pointsToUse: 100 }), 'MEMBER_CODE_USED')
    assert.equal((await sale(till, { storeCode: 'SH001', receiptNo: receipt(), memberCode: code, goodsAmount: 5_000 })).statusCode, 200, 'earning with the same code is fine')
    const { rows } = await t.db.query<{ tillId: number }>(
      'SELECT till_id AS "tillId" FROM store_sales s JOIN members m ON m.id = s.member_id WHERE m.member_no = $1',
      [memberNo]
    )
    assert.deepEqual(rows.map((r) => r.tillId), [Number(created.till.id), Number(created.till.id)], 'every sale records its till')
    const refund = await t.app.inject({ method: 'POST', url: `/api/cashier/sales/SH001/${first.json().receiptNo}/refund`, headers: { ...till, 'idempotency-key': newKey() } })
    assert.equal(refund.statusCode, 200, refund.body)

    const rotated = (await consoleCall(t, manager, 'POST', `/api/admin/tills/${created.till.id}/rotate`)).json()
    assertApiError(await sale(till, { storeCode: 'SH001', receiptNo: receipt(), memberCode: code, goodsAmount: 100 }), 'CASHIER_KEY_INVALID', 'the old key')
    const renewed = { 'x-cashier-key': rotated.key as string }
    assert.equal((await sale(renewed, { storeCode: 'SH001', receiptNo: receipt(), memberCode: code, goodsAmount: 100 })).statusCode, 200)
    assert.equal((await consoleCall(t, manager, 'POST', `/api/admin/tills/${created.till.id}/revoke`)).statusCode, 200)
    assertApiError(await sale(renewed, { storeCode: 'SH001', receiptNo: receipt(), memberCode: code, goodsAmount: 100 }), 'CASHIER_KEY_INVALID', 'revoked')
    const sales = await count(t.db, `SELECT count(*) AS n FROM audit_log WHERE actor_kind = 'till' AND actor_id = $1`, [created.till.id])
    assert.equal(sales, 4, "the till's sales and refund are audited as the till")
  })

  test('stores and staff: create, edit, close; add and deactivate staff; their mini-program codes', async () => {
    const ops = await consoleAccount(t, 'operations')
    const code = `T${randomUUID().replace(/[^0-9]/g, '').slice(0, 6)}`
    const created = await consoleCall(t, ops, 'POST', '/api/admin/stores', { code, name: '测试门店', city: '杭州', address: '西湖区 1 号', phone: null })
    assert.equal(created.statusCode, 200, created.body)
    assertApiError(await consoleCall(t, ops, 'POST', '/api/admin/stores', { code, name: '重复', city: '杭州', address: '1 号', phone: null }), 'STORE_CODE_TAKEN')
    assert.equal((await consoleCall(t, ops, 'POST', `/api/admin/stores/${code}/staff`, { code: 'A1', name: '小林' })).json().staff[0].name, '小林')
    assertApiError(await consoleCall(t, ops, 'POST', `/api/admin/stores/${code}/staff`, { code: 'A1', name: '小林' }), 'STAFF_CODE_TAKEN')
    const image = (await consoleCall(t, ops, 'GET', `/api/admin/stores/${code}/mini-program-code?staff=A1`)).json()
    assert.equal(image.scene, `s=${code}&g=A1`)
    assert.match(image.dataUrl, /^data:image\/[a-z]+;base64,/)
    assert.equal((await consoleCall(t, ops, 'PATCH', `/api/admin/stores/${code}/staff/A1`, { active: false })).json().staff[0].active, false)
    assertApiError(await consoleCall(t, ops, 'GET', `/api/admin/stores/${code}/mini-program-code?staff=A1`), 'STAFF_NOT_FOUND')
    const closed = await consoleCall(t, ops, 'PATCH', `/api/admin/stores/${code}`, { open: false, phone: '021-1234567' })
    assert.equal(closed.json().open, false)
    assert.equal(closed.json().phone, '021-1234567')
    assertApiError(await t.join(await t.login(), { storeCode: code }), 'STORE_NOT_FOUND')
  })

  test('accounts: create, change role, disable (its sessions end); nobody disables themselves', async () => {
    const admin = await consoleAccount(t, 'super_admin')
    const ops = await consoleAccount(t, 'operations')
    assertApiError(await consoleCall(t, admin, 'PATCH', `/api/admin/accounts/${admin.operatorId}`, { disabled: true }), 'ACCOUNT_SELF_CHANGE')
    assertApiError(await consoleCall(t, admin, 'PATCH', `/api/admin/accounts/${ops.operatorId}`, { role: 'store_manager' }), 'STORES_REQUIRED')
    const disabled = await consoleCall(t, admin, 'PATCH', `/api/admin/accounts/${ops.operatorId}`, { disabled: true })
    assert.equal(disabled.json().disabled, true)
    assertApiError(await consoleCall(t, ops, 'GET', '/api/admin/auth/me'), 'OPERATOR_UNAUTHENTICATED')
    assertApiError(await t.app.inject({ method: 'POST', url: '/api/admin/auth/login', remoteAddress: someAddress(), payload: { username: ops.username, password: ops.password } }), 'LOGIN_FAILED')
    assertApiError(
      await consoleCall(t, admin, 'POST', '/api/admin/accounts', { username: ops.username, displayName: 'x', role: 'support', storeCodes: [], password: 'long-enough-pw' }),
      'USERNAME_TAKEN'
    )
    const audit = (await consoleCall(t, admin, 'GET', `/api/admin/audit?targetType=accounts&targetId=${ops.operatorId}&actor=${admin.username}`)).json().items
    assert.equal(audit[0].before.disabled, false)
    assert.equal(audit[0].after.disabled, true)
    assert.equal(JSON.stringify(audit).includes('argon2'), false, 'no password hash in the audit log')
  })

  test('the campaign and order routes of earlier features are audited with the actor too', async () => {
    const ops = await consoleAccount(t, 'operations')
    const { token, memberNo } = await newMember(t)
    const template = await consoleCall(t, ops, 'POST', '/api/admin/coupon-templates', { name: '审计券', rule: { kind: 'amount', amountOff: 500, threshold: 0 }, validity: { days: 7 }, perMemberLimit: 1 })
    assert.equal(template.statusCode, 200, template.body)
    assert.equal((await consoleCall(t, ops, 'POST', '/api/admin/coupons', { templateId: template.json().id, memberNo })).statusCode, 200)

    const thanks = { name: '谢谢参与', kind: 'thanks', weight: 0 }
    const activity = `audit-${randomUUID().slice(0, 8)}`
    const created = await consoleCall(t, ops, 'POST', '/api/admin/draw/activities', {
      code: activity,
      name: '审计抽奖',
      startsAt: new Date(t.clock.now().getTime() - HOUR).toISOString(),
      endsAt: new Date(t.clock.now().getTime() + 24 * HOUR).toISOString(),
      costPoints: 0,
      freeDrawsPerDay: 0,
      dailyLimit: 5,
      claimDays: 7,
      rules: '测试',
      prizes: [{ name: '保温杯', kind: 'physical', weight: 1, stock: 5 }, thanks, ...Array.from({ length: 6 }, (_, i) => ({ name: `${i + 1} 积分`, kind: 'points', points: i + 1, weight: 0 }))]
    })
    assert.equal(created.statusCode, 200, created.body)
    const drawn = await t.app.inject({ method: 'POST', url: `/api/draw/activities/${activity}/draws`, headers: { ...bearer(token), 'idempotency-key': newKey() } })
    const drawNo = drawn.json().drawNo
    await t.app.inject({ method: 'POST', url: `/api/draw/prizes/${drawNo}/claim`, headers: { ...bearer(token), 'idempotency-key': newKey() }, payload: { address: shippingAddress } })
    assert.equal((await consoleCall(t, ops, 'POST', `/api/admin/draw/prizes/${drawNo}/ship`, { carrier: '顺丰', trackingNo: 'SF1234567' })).statusCode, 200)

    const skuId = await newSku(t, 1990, 5)
    const placed = await t.app.inject({ method: 'POST', url: '/api/orders', headers: { ...bearer(token), 'idempotency-key': newKey() }, payload: { items: [{ skuId, quantity: 1 }], address: shippingAddress } })
    assert.equal(placed.statusCode, 200, placed.body)
    const orderNo = placed.json().orderNo
    const paid = await t.app.inject({ method: 'POST', url: `/api/orders/${orderNo}/pay`, headers: { ...bearer(token), 'idempotency-key': newKey() } })
    assert.equal(paid.statusCode, 200, paid.body)
    assert.equal((await consoleCall(t, ops, 'POST', `/api/admin/orders/${orderNo}/ship`, { carrier: '顺丰', trackingNo: 'SF7654321' })).statusCode, 200)
    const fileAftersale = (kind: string) =>
      t.app.inject({ method: 'POST', url: `/api/orders/${orderNo}/aftersales`, headers: { ...bearer(token), 'idempotency-key': newKey() }, payload: { kind, reason: '质量问题' } })
    const rejected = (await fileAftersale('refund_only')).json().aftersaleNo
    assert.equal((await consoleCall(t, ops, 'POST', `/api/admin/aftersales/${rejected}/reject`, { reason: '已核实无质量问题' })).statusCode, 200)
    const returned = (await fileAftersale('return_refund')).json().aftersaleNo
    assert.equal((await consoleCall(t, ops, 'POST', `/api/admin/aftersales/${returned}/approve`)).statusCode, 200)
    await t.app.inject({ method: 'POST', url: `/api/aftersales/${returned}/return`, headers: { ...bearer(token), 'idempotency-key': newKey() }, payload: { carrier: '顺丰', trackingNo: 'SF1111' } })
    assert.equal((await consoleCall(t, ops, 'POST', `/api/admin/aftersales/${returned}/receive`, { sellable: false })).statusCode, 200)

    // The 订单 screen's batch ship: another paid order shipped from CSV text.
    const batchOrder = await t.app.inject({ method: 'POST', url: '/api/orders', headers: { ...bearer(token), 'idempotency-key': newKey() }, payload: { items: [{ skuId, quantity: 1 }], address: shippingAddress } })
    await t.app.inject({ method: 'POST', url: `/api/orders/${batchOrder.json().orderNo}/pay`, headers: { ...bearer(token), 'idempotency-key': newKey() } })
    const batch = await consoleCall(t, ops, 'POST', '/api/admin/orders/ship-batch', { csv: `订单号,快递公司,运单号\n${batchOrder.json().orderNo},顺丰,SF7654322` })
    assert.equal(batch.statusCode, 200, batch.body)
    assert.equal(batch.json().shipped, 1, batch.body)

    // A reward held for risk review, as the join would leave it for a risky invitee.
    const friend = await newMember(t)
    const { rows: [ids] } = await t.db.query<{ inviter: number; user: number; invitee: number }>(
      `SELECT (SELECT id FROM members WHERE member_no = $1) AS inviter, m.user_id AS user, m.id AS invitee FROM members m WHERE m.member_no = $2`,
      [memberNo, friend.memberNo]
    )
    await t.db.query(
      `INSERT INTO referral_bindings (invitee_user_id, inviter_member_id, channel, status, invitee_member_id, reward_held, bound_at, joined_at)
       VALUES ($1, $2, 'card', 'joined', $3, true, $4, $4)`,
      [ids.user, ids.inviter, ids.invitee, t.clock.now()]
    )
    const released = await consoleCall(t, ops, 'POST', `/api/admin/referral/invites/${friend.memberNo}/release`)
    assert.equal(released.statusCode, 200, released.body)
  })

  // Last before the walk below: it moves this file's business clock a day forward (dev-clock.test.ts tests the clock itself).
  test('the staging clock is moved by a super admin, with an audit row', async () => {
    const admin = await consoleAccount(t, 'super_admin')
    const moved = await consoleCall(t, admin, 'POST', '/api/dev/clock', { advanceDays: 1 })
    assert.equal(moved.statusCode, 200, moved.body)
  })

  test('every operator and till write route leaves an audit row with its action (walks the contract)', async () => {
    const { rows } = await t.db.query<{ action: string }>('SELECT DISTINCT action FROM audit_log')
    const recorded = new Set(rows.map((r) => r.action))
    const missing = auditedRoutes.filter((key) => !recorded.has(key))
    assert.deepEqual(missing, [], 'a write route this file never made succeed, or one that writes no audit row')
    const { rows: actors } = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM audit_log WHERE actor_kind = 'operator' AND (actor_id IS NULL OR actor_role IS NULL)`)
    assert.equal(Number(actors[0].n), 0)
    await assert.rejects(t.db.query('UPDATE audit_log SET reason = $1', ['tampered']), /immutable/)
    await assert.rejects(t.db.query('DELETE FROM audit_log'), /immutable/)
  })

  test('first run: development makes `admin` with a random password once; production needs ADMIN_BOOTSTRAP_PASSWORD', async () => {
    // Needs a database without accounts: the embedded one of its own (a real PostgreSQL here is shared by every test file).
    const ownDb = t.db.kind === 'pglite' ? await connectPglite() : null
    const fresh = await startTestApp(ownDb ? { db: ownDb } : {})
    try {
      if (fresh.db.kind === 'pglite') {
        await migrate(fresh.db)
        await assert.rejects(ensureFirstAccount(fresh.db, { bootstrapPassword: null, production: true, now: fresh.clock.now() }), /ADMIN_BOOTSTRAP_PASSWORD/)
        const first = await ensureFirstAccount(fresh.db, { bootstrapPassword: null, production: false, now: fresh.clock.now() })
        assert.equal(first?.username, 'admin')
        const session = await consoleLogin(fresh, 'admin', first!.password)
        const me = (await consoleCall(fresh, session, 'GET', '/api/admin/auth/me')).json()
        assert.equal(me.mustChangePassword, true)
        assert.equal(me.operator.role, 'super_admin')
      }
      assert.equal(await ensureFirstAccount(fresh.db, { bootstrapPassword: null, production: false, now: fresh.clock.now() }), null, 'only once')
    } finally {
      await fresh.close()
      if (ownDb) await ownDb.close()
    }
    assert.throws(() => loadConfig({ ...productionEnv(), CASHIER_KEY: 'a-shared-till-key' }), /CASHIER_KEY/)
    assert.equal(loadConfig(productionEnv()).operatorKey, null, 'no service key unless one is configured')
    assert.equal(loadConfig(productionEnv()).cashierKey, null)
  })
})

