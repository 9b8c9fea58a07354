import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import {
  assertApiError,
  consoleAccount,
  consoleCall,
  count,
  HOUR,
  memberCall,
  newKey,
  newSku,
  operatorCall,
  shippingAddress,
  snapshot,
  startTestApp,
  type ConsoleSession,
  type TestApp
} from './helpers'

describe('console orders (订单): search, detail, batch ship, export', () => {
  let t: TestApp
  let ops: ConsoleSession
  let start: Date
  before(async () => {
    t = await startTestApp()
    ops = await consoleAccount(t, 'operations')
    start = t.clock.now()
  })
  after(() => t.close())

  /** A phone of this test's own: the database may be shared with other test files. */
  const newPhone = () => `139${String(randomInt(100_000_000)).padStart(8, '0')}`

  async function memberAt(storeCode: string) {
    const token = await t.login()
    const joined = await t.join(token, { storeCode })
    assert.equal(joined.statusCode, 200, joined.body)
    return { token, memberNo: joined.json().card.memberNo as string }
  }

  /** An order of one ¥19.90 item (paid unless said otherwise), shipped to `phone`. */
  async function order(member: { token: string }, options: { phone?: string; pay?: boolean; quantity?: number } = {}) {
    const skuId = await newSku(t, 1990, 10)
    const placed = await memberCall(t, member.token, 'POST', '/api/orders', {
      items: [{ skuId, quantity: options.quantity ?? 1 }],
      address: { ...shippingAddress, phone: options.phone ?? shippingAddress.phone }
    })
    assert.equal(placed.statusCode, 200, placed.body)
    const orderNo = placed.json().orderNo as string
    if (options.pay !== false) {
      const paid = await memberCall(t, member.token, 'POST', `/api/orders/${orderNo}/pay`)
      assert.equal(paid.statusCode, 200, paid.body)
    }
    return { orderNo, skuId }
  }

  const search = async (session: ConsoleSession, query: Record<string, string | number>) => {
    const response = await consoleCall(t, session, 'GET', `/api/admin/orders?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`)
    assert.equal(response.statusCode, 200, response.body)
    return response.json() as { items: { orderNo: string; status: string; memberNo: string; store: { code: string } | null; consignee: { phone: string }; itemsSummary: string; payAmount: number }[]; nextCursor: string | null; total: number }
  }
  const numbers = (page: { items: { orderNo: string }[] }) => page.items.map((o) => o.orderNo)
  const shipBatch = (csv: string, session = ops, key = newKey()) =>
    t.app.inject({ method: 'POST', url: '/api/admin/orders/ship-batch', headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'idempotency-key': key }, payload: { csv } })
  const statusOf = async (orderNo: string) => (await t.db.query<{ status: string }>('SELECT status FROM orders WHERE order_no = $1', [orderNo])).rows[0].status

  test('search by order number, member number, phone, status, date range and store attribution', async () => {
    const phone = newPhone()
    const shanghai = await memberAt('SH001')
    const beijing = await memberAt('BJ001')
    const early = await order(shanghai, { phone })
    t.clock.advance(2 * HOUR)
    const unpaid = await order(shanghai, { phone, pay: false })
    const away = await order(beijing, { phone, quantity: 2 })
    // Two hours on, a session of the morning has ended: sign in again.
    const ops = await consoleAccount(t, 'operations')
    try {
      const byPhone = await search(ops, { phone })
      assert.deepEqual(numbers(byPhone), [away.orderNo, unpaid.orderNo, early.orderNo], 'newest first')
      assert.equal(byPhone.total, 3)
      const row = byPhone.items[0]
      assert.equal(row.memberNo, beijing.memberNo)
      assert.equal(row.store?.code, 'BJ001')
      assert.equal(row.consignee.phone, phone)
      assert.equal(row.itemsSummary, '测试商品 ×2')
      assert.equal(row.payAmount, 3980)

      assert.deepEqual(numbers(await search(ops, { orderNo: unpaid.orderNo })), [unpaid.orderNo])
      assert.deepEqual(numbers(await search(ops, { memberNo: shanghai.memberNo })), [unpaid.orderNo, early.orderNo])
      assert.deepEqual(numbers(await search(ops, { phone, status: 'pending_payment' })), [unpaid.orderNo])
      assert.deepEqual(numbers(await search(ops, { phone, status: 'paid' })), [away.orderNo, early.orderNo])
      assert.deepEqual(numbers(await search(ops, { phone, storeCode: 'BJ001' })), [away.orderNo])
      assert.deepEqual(numbers(await search(ops, { phone, storeCode: 'SH002' })), [])
      const later = new Date(start.getTime() + HOUR).toISOString()
      assert.deepEqual(numbers(await search(ops, { phone, createdFrom: later })), [away.orderNo, unpaid.orderNo])
      const dayBefore = new Date(start.getTime() - 24 * HOUR).toISOString()
      const early1 = await search(ops, { phone, createdFrom: dayBefore, createdTo: later })
      assert.deepEqual(numbers(early1), [early.orderNo])
      assert.equal(early1.total, 1)
      assert.deepEqual(numbers(await search(ops, { memberNo: beijing.memberNo, orderNo: early.orderNo })), [], 'filters combine')
      assert.equal((await search(ops, { orderNo: '99999999999999999999' })).total, 0)
    } finally {
      t.clock.set(start)
    }
  })

  test('cursor pages: every order once, newest first, the same total on every page', async () => {
    const member = await memberAt('SH001')
    const placed: string[] = []
    for (let i = 0; i < 7; i++) placed.push((await order(member, { pay: i % 2 === 0 })).orderNo)
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page = await search(ops, { memberNo: member.memberNo, limit: 3, ...(cursor && { cursor }) })
      assert.equal(page.total, 7)
      assert.ok(page.items.length <= 3)
      seen.push(...numbers(page))
      cursor = page.nextCursor
      pages++
    } while (cursor)
    assert.equal(pages, 3)
    assert.deepEqual(seen, [...placed].reverse())
    assert.equal(new Set(seen).size, 7, 'no order twice')
  })

  test('a 门店店长 of SH001 sees only the orders of SH001 members: 404 for a BJ001 member’s, never listed or exported', async () => {
    const manager = await consoleAccount(t, 'store_manager', ['SH001'])
    const phone = newPhone()
    const local = await order(await memberAt('SH001'), { phone })
    const away = await order(await memberAt('BJ001'), { phone })
    assertApiError(await consoleCall(t, manager, 'GET', `/api/admin/orders/${away.orderNo}`), 'ORDER_NOT_FOUND')
    assert.equal((await consoleCall(t, manager, 'GET', `/api/admin/orders/${local.orderNo}`)).statusCode, 200)
    const mine = await search(manager, { phone })
    assert.deepEqual(numbers(mine), [local.orderNo])
    assert.equal(mine.total, 1)
    assert.deepEqual(numbers(await search(manager, { orderNo: away.orderNo })), [])
    assert.deepEqual(numbers(await search(manager, { phone, storeCode: 'BJ001' })), [])
    for (const row of (await search(manager, { limit: 100 })).items) assert.equal(row.store?.code, 'SH001')
    const exported = await consoleCall(t, manager, 'GET', `/api/admin/orders/export?phone=${phone}`)
    assert.ok(exported.body.includes(local.orderNo))
    assert.ok(!exported.body.includes(away.orderNo))
    // Reading is all a 门店店长 may do with orders.
    assertApiError(await shipBatch(`${local.orderNo},顺丰,SF1000001`, manager), 'FORBIDDEN')
    assertApiError(await consoleCall(t, manager, 'POST', `/api/admin/orders/${local.orderNo}/ship`, { carrier: '顺丰', trackingNo: 'SF1000001' }), 'FORBIDDEN')
  })

  test('the detail: items, prices, address, steps, refunds and 售后 requests with their timelines', async () => {
    const member = await memberAt('SH001')
    const { orderNo } = await order(member, { quantity: 2 })
    assert.equal((await operatorCall(t, 'POST', `/api/admin/orders/${orderNo}/ship`, { carrier: '顺丰速运', trackingNo: 'SF2000001' })).statusCode, 200)
    const filed = await memberCall(t, member.token, 'POST', `/api/orders/${orderNo}/aftersales`, { kind: 'return_refund', reason: '质量问题', note: '有划痕' })
    assert.equal(filed.statusCode, 200, filed.body)
    const detail = (await consoleCall(t, ops, 'GET', `/api/admin/orders/${orderNo}`)).json()
    assert.equal(detail.memberNo, member.memberNo)
    assert.equal(detail.store.code, 'SH001')
    assert.equal(detail.order.status, 'shipped')
    assert.equal(detail.order.items[0].quantity, 2)
    assert.equal(detail.order.goodsAmount, 3980)
    assert.deepEqual(detail.order.address, shippingAddress)
    assert.deepEqual(detail.order.shipping && { carrier: detail.order.shipping.carrier, trackingNo: detail.order.shipping.trackingNo }, { carrier: '顺丰速运', trackingNo: 'SF2000001' })
    assert.deepEqual(detail.events.map((e: { kind: string }) => e.kind), ['created', 'paid', 'shipped'])
    assert.equal(detail.aftersales.length, 1)
    assert.equal(detail.aftersales[0].note, '有划痕')
    assert.deepEqual(detail.aftersales[0].timeline.map((e: { status: string }) => e.status), ['pending'])
    const listed = await search(ops, { orderNo })
    assert.equal((listed.items[0] as unknown as { openAftersales: number }).openAftersales, 1)
    assertApiError(await consoleCall(t, ops, 'GET', '/api/admin/orders/99999999999999999999'), 'ORDER_NOT_FOUND')
  })

  test('batch ship: good rows ship, each bad row says why and changes nothing; a retry answers the same', async () => {
    const member = await memberAt('SH001')
    const good = await order(member)
    const second = await order(member)
    const unpaid = await order(member, { pay: false })
    const shippedAlready = await order(member)
    assert.equal((await operatorCall(t, 'POST', `/api/admin/orders/${shippedAlready.orderNo}/ship`, { carrier: '圆通', trackingNo: 'YT0000001' })).statusCode, 200)
    const csv = [
      '订单号,快递公司,运单号',
      `${good.orderNo},顺丰速运,SF3000001`,
      '',
      `${unpaid.orderNo},顺丰速运,SF3000002`,
      `${shippedAlready.orderNo},顺丰速运,SF3000003`,
      '99999999999999999999,顺丰速运,SF3000004',
      '2.02603E+19,顺丰速运,SF3000005',
      `${second.orderNo},顺丰速运,SF 3000006`,
      `${second.orderNo},顺丰速运`,
      `"${second.orderNo}"\t中通快递\t"ZT3000007"`,
      `${good.orderNo},顺丰速运,SF3000008`,
      `${unpaid.orderNo},${'很长的快递公司名称'.repeat(3)},SF3000009`
    ].join('\r\n')
    const before = await snapshot(t.db)
    const key = newKey()
    const response = await shipBatch(csv, ops, key)
    assert.equal(response.statusCode, 200, response.body)
    const result = response.json()
    const outcome = result.rows.map((r: { line: number; ok: boolean; code: string | null }) => [r.line, r.ok ? 'ok' : r.code])
    assert.deepEqual(outcome, [
      [2, 'ok'],
      [4, 'ORDER_NOT_SHIPPABLE'],
      [5, 'ORDER_NOT_SHIPPABLE'],
      [6, 'ORDER_NOT_FOUND'],
      [7, 'ORDER_NO_INVALID'],
      [8, 'TRACKING_NO_INVALID'],
      [9, 'SHIP_ROW_INVALID'],
      [10, 'ok'],
      [11, 'SHIP_ROW_DUPLICATE'],
      [12, 'CARRIER_INVALID']
    ])
    assert.deepEqual([result.total, result.shipped, result.failed], [10, 2, 8])
    assert.equal(result.rows[1].message, '订单未支付、已发货或已退款', 'the zh-CN message of the code')
    assert.equal(result.rows[7].carrier, '中通快递', 'tab-separated and quoted cells, as a spreadsheet pastes them')

    const shipping = async (orderNo: string) =>
      (await t.db.query<{ status: string; carrier: string | null; trackingNo: string | null }>('SELECT status, carrier, tracking_no AS "trackingNo" FROM orders WHERE order_no = $1', [orderNo])).rows[0]
    assert.deepEqual(await shipping(good.orderNo), { status: 'shipped', carrier: '顺丰速运', trackingNo: 'SF3000001' }, 'the first row of an order wins')
    assert.deepEqual(await shipping(second.orderNo), { status: 'shipped', carrier: '中通快递', trackingNo: 'ZT3000007' })
    assert.deepEqual(await shipping(unpaid.orderNo), { status: 'pending_payment', carrier: null, trackingNo: null })
    assert.deepEqual(await shipping(shippedAlready.orderNo), { status: 'shipped', carrier: '圆通', trackingNo: 'YT0000001' })
    const after = await snapshot(t.db)
    const changed = Object.keys(after).filter((table) => after[table] !== before[table]).sort()
    assert.deepEqual(changed, ['audit_log', 'idempotency_keys', 'orders'], 'the two shipments, one audit row and the key')

    const { rows: audit } = await t.db.query<{ after: { total: number; shipped: number; rows: { orderNo: string; ok: boolean; code: string | null }[] }; actorId: string }>(
      `SELECT after, actor_id AS "actorId" FROM audit_log WHERE action = 'POST /api/admin/orders/ship-batch' ORDER BY id DESC LIMIT 1`
    )
    assert.equal(audit[0].after.shipped, 2)
    assert.equal(audit[0].after.rows.length, 10)
    assert.equal(String(audit[0].actorId), ops.operatorId)

    const again = await shipBatch(csv, ops, key)
    assert.equal(again.statusCode, 200)
    assert.deepEqual(again.json(), result, 'a retry with the same key gets the first answer')
    assert.equal(await count(t.db, `SELECT count(*) AS n FROM audit_log WHERE action = 'POST /api/admin/orders/ship-batch' AND actor_id = $1`, [ops.operatorId]), 1)
    assertApiError(await shipBatch(`${csv}\n`, ops, key), 'IDEMPOTENCY_KEY_REUSED')
  })

  test('batch ship refuses an empty or oversized file and a role without orders:write, changing nothing', async () => {
    const { orderNo } = await order(await memberAt('SH001'))
    const [support, readOnly] = [await consoleAccount(t, 'support'), await consoleAccount(t, 'read_only')]
    const before = await snapshot(t.db)
    assertApiError(await shipBatch('订单号,快递公司,运单号\r\n\r\n'), 'SHIP_BATCH_EMPTY')
    const rows = Array.from({ length: 501 }, (_, i) => `${orderNo},顺丰,SF${String(i).padStart(7, '0')}`).join('\n')
    assertApiError(await shipBatch(rows), 'SHIP_BATCH_TOO_LARGE')
    assertApiError(await shipBatch(''), 'VALIDATION_FAILED')
    assertApiError(await shipBatch(`${orderNo},顺\u0000丰,SF1234567`), 'VALIDATION_FAILED')
    assertApiError(
      await t.app.inject({ method: 'POST', url: '/api/admin/orders/ship-batch', headers: { cookie: ops.cookie, 'x-csrf-token': ops.csrfToken, 'idempotency-key': newKey() }, payload: { csv: 'x', extra: 1 } }),
      'VALIDATION_FAILED'
    )
    assertApiError(await shipBatch(`${orderNo},顺丰,SF1234567`, support), 'FORBIDDEN')
    assertApiError(await shipBatch(`${orderNo},顺丰,SF1234567`, readOnly), 'FORBIDDEN')
    assert.deepEqual(await snapshot(t.db), before)
    assert.equal(await statusOf(orderNo), 'paid')
    // 500 rows is the limit, not over it.
    const full = Array.from({ length: 500 }, (_, i) => (i === 0 ? `${orderNo},顺丰,SF1234567` : `${String(10_000_000 + i)},顺丰,SF1234567`)).join('\n')
    const shipped = await shipBatch(full)
    assert.equal(shipped.statusCode, 200, shipped.body)
    assert.deepEqual([shipped.json().total, shipped.json().shipped], [500, 1])
    assert.equal(await statusOf(orderNo), 'shipped')
  })

  test('CSV export: UTF-8 with BOM, the filtered orders with amounts in yuan, numbers kept as text', async () => {
    const phone = newPhone()
    const member = await memberAt('SH002')
    const { orderNo } = await order(member, { phone, quantity: 3 })
    const other = await order(member, { phone: newPhone() })
    const response = await consoleCall(t, ops, 'GET', `/api/admin/orders/export?phone=${phone}`)
    assert.equal(response.statusCode, 200, response.body)
    assert.match(String(response.headers['content-type']), /^text\/csv; charset=utf-8/)
    assert.match(String(response.headers['content-disposition']), /^attachment; filename="orders-\d{8}\.csv"$/)
    assert.ok(response.body.startsWith('\uFEFF订单号,下单时间,状态,会员号,入会门店,'))
    const lines = response.body.replace(/^\uFEFF/, '').trim().split('\r\n')
    assert.equal(lines.length, 2)
    const cells = lines[1].split(',')
    assert.equal(cells[0], `${orderNo}\t`)
    assert.equal(cells[2], '待发货')
    assert.equal(cells[3], member.memberNo)
    assert.equal(cells[6], '3')
    assert.equal(cells[7], '59.70')
    assert.equal(cells[11], '59.70')
    assert.ok(!response.body.includes(other.orderNo))
    // The file an operator fills in from the export comes back as a batch ship.
    const back = await shipBatch(`${cells[0]},顺丰,SF4000001`)
    assert.equal(back.json().shipped, 1, back.body)
    assert.equal(await statusOf(orderNo), 'shipped')
  })

  test('bad input answers 400 VALIDATION_FAILED, never 500', async () => {
    for (const query of [
      'phone=12345',
      'phone=1380013800%00',
      'status=lost',
      'cursor=abc',
      'cursor=99999999999',
      'limit=0',
      'limit=101',
      'limit=3000000000',
      'createdFrom=2026-13-01T00:00:00Z',
      'createdFrom=2016-12-31T23:59:60Z',
      'createdTo=0000-01-01T00:00:00Z',
      'memberNo=abc',
      'orderNo=12',
      'storeCode=%00',
      'unknown=1'
    ]) {
      assertApiError(await consoleCall(t, ops, 'GET', `/api/admin/orders?${query}`), 'VALIDATION_FAILED', query)
      if (!query.startsWith('cursor') && !query.startsWith('limit')) assertApiError(await consoleCall(t, ops, 'GET', `/api/admin/orders/export?${query}`), 'VALIDATION_FAILED', `export ${query}`)
    }
    assertApiError(await consoleCall(t, ops, 'GET', '/api/admin/orders/12ab'), 'VALIDATION_FAILED')
    assertApiError(await consoleCall(t, ops, 'GET', '/api/admin/orders/export?limit=5'), 'VALIDATION_FAILED', 'the export takes filters only')
    // The largest cursor the pattern allows is beyond int4: still no 500.
    assert.deepEqual((await search(ops, { cursor: '9999999999', orderNo: '99999999999999999999' })).items, [])
  })
})
