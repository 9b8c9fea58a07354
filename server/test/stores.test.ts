import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { DEMO_STORES } from '../src/seed/demo'
import { buildStoreScene, parseStoreScene } from '../../types/scene'
import { assertApiError, bearer, startTestApp, type TestApp } from './helpers'

describe('stores', () => {
  let t: TestApp
  // Stores of this run only (the real database may be shared by every test file).
  const suffix = String(randomInt(1e9)).padStart(9, '0')
  const closedCode = `ZC${suffix}`
  const openCode = `ZO${suffix}`
  before(async () => {
    t = await startTestApp()
    await t.db.query(`INSERT INTO stores (code, name, city, address, phone, open) VALUES ($1, '停业门店', '杭州', '西湖路 1 号', NULL, false)`, [closedCode])
    await t.db.query(`INSERT INTO stores (code, name, city, address, phone) VALUES ($1, '测试门店', '杭州', '西湖路 2 号', NULL)`, [openCode])
    await t.db.query(
      `INSERT INTO staff (store_id, code, name, active) SELECT id, 'E01', '在职导购', true FROM stores WHERE code = $1
       UNION ALL SELECT id, 'E02', '离职导购', false FROM stores WHERE code = $1`,
      [openCode]
    )
  })
  after(() => t.close())

  const get = (url: string) => t.app.inject({ method: 'GET', url })

  test('GET /api/stores lists the open stores, grouped by city, without sign-in', async () => {
    const response = await get('/api/stores')
    assert.equal(response.statusCode, 200, response.body)
    const { items } = response.json() as { items: { code: string; city: string }[] }
    for (const store of DEMO_STORES) {
      const listed = items.find((item) => item.code === store.code)
      assert.deepEqual(listed, { code: store.code, name: store.name, city: store.city, address: store.address, phone: store.phone })
    }
    const codes = items.map((item) => item.code)
    assert.ok(codes.includes(openCode))
    assert.ok(!codes.includes(closedCode), 'a closed store is not offered')
    // Grouped by city (the order of cities is the database's collation), codes ascending within one.
    const cities = items.map((item) => item.city).filter((city, i, all) => i === 0 || all[i - 1] !== city)
    assert.equal(new Set(cities).size, cities.length, 'each city in one run')
    for (let i = 1; i < items.length; i++) {
      if (items[i].city === items[i - 1].city) assert.ok(items[i - 1].code < items[i].code, 'codes ascending within a city')
    }
    assert.equal(new Set(codes).size, codes.length)
  })

  test('GET /api/stores/:code names the store; with ?staff the staff member too', async () => {
    const plain = await get('/api/stores/SH001')
    assert.equal(plain.statusCode, 200, plain.body)
    assert.deepEqual(plain.json(), {
      store: {
        code: 'SH001',
        name: '上海南京西路旗舰店',
        city: '上海',
        address: '上海市静安区南京西路 1266 号 1 层',
        phone: '021-62880001'
      },
      staff: null
    })
    const withStaff = await get('/api/stores/BJ001?staff=E05')
    assert.equal(withStaff.statusCode, 200, withStaff.body)
    assert.equal(withStaff.json().store.code, 'BJ001')
    assert.deepEqual(withStaff.json().staff, { code: 'E05', name: '孙悦' })
    // Internal ids are not part of the answer.
    assert.ok(!('id' in withStaff.json().store) && !('id' in withStaff.json().staff))
    const noPhone = await get(`/api/stores/${openCode}?staff=E01`)
    assert.equal(noPhone.statusCode, 200, noPhone.body)
    assert.equal(noPhone.json().store.phone, null)
    assert.deepEqual(noPhone.json().staff, { code: 'E01', name: '在职导购' })
  })

  test('unknown, closed, departed: 404 with a code the page can explain', async () => {
    assertApiError(await get('/api/stores/ZZ999'), 'STORE_NOT_FOUND')
    assertApiError(await get(`/api/stores/${closedCode}`), 'STORE_NOT_FOUND')
    assertApiError(await get(`/api/stores/${closedCode}?staff=E01`), 'STORE_NOT_FOUND')
    assertApiError(await get('/api/stores/SH001?staff=E99'), 'STAFF_NOT_FOUND')
    assertApiError(await get('/api/stores/SH001?staff=E03'), 'STAFF_NOT_FOUND', "another store's staff member")
    assertApiError(await get(`/api/stores/${openCode}?staff=E02`), 'STAFF_NOT_FOUND', 'departed')
  })

  test('a scanned store code leads to the store page and to joining there', async () => {
    // What the mini-program receives in query.scene when a staff member's code is scanned.
    const raw = encodeURIComponent(buildStoreScene({ storeCode: 'SH002', staffCode: 'E03' }))
    const scene = parseStoreScene(raw)
    assert.deepEqual(scene, { storeCode: 'SH002', staffCode: 'E03' })
    const store = await get(`/api/stores/${scene!.storeCode}?staff=${scene!.staffCode}`)
    assert.equal(store.statusCode, 200, store.body)
    assert.equal(store.json().staff.name, '陈静')

    const token = await t.login()
    const joined = await t.join(token, { storeCode: scene!.storeCode, staffCode: scene!.staffCode })
    assert.equal(joined.statusCode, 200, joined.body)
    assert.deepEqual(joined.json().card.joinedStore, { code: 'SH002', name: '上海徐家汇店' })
    const me = await t.app.inject({ method: 'GET', url: '/api/members/me', headers: bearer(token) })
    assert.deepEqual(me.json().joinedStore, { code: 'SH002', name: '上海徐家汇店' })
  })
})
