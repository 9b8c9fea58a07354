import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { ProductCard, ProductDetail } from '../../types/catalog'
import { DEMO_CATALOG } from '../src/seed/demo'
import { assertApiError, startTestApp, type TestApp } from './helpers'

describe('the catalog', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp()
  })
  after(() => t.close())

  const get = (url: string) => t.app.inject({ method: 'GET', url })
  const demoProducts = DEMO_CATALOG.flatMap((c) => c.products)

  test('categories in order, each with products on sale', async () => {
    const { items } = (await get('/api/catalog/categories')).json()
    assert.deepEqual(
      items.map((c: { name: string }) => c.name),
      DEMO_CATALOG.map((c) => c.category)
    )
  })

  test('every product once across pages, priced from its cheapest SKU in stock, sold-out ones marked', async () => {
    const seen: ProductCard[] = []
    let cursor: number | null = 0
    while (cursor !== null) {
      const page: { items: ProductCard[]; nextCursor: number | null } = (await get(`/api/catalog/products?limit=2&cursor=${cursor}`)).json()
      seen.push(...page.items)
      cursor = page.nextCursor
    }
    assert.equal(new Set(seen.map((p) => p.id)).size, seen.length, 'no product twice across pages')
    // Other test files on a shared database add products of their own (newSku): the demo's are all here, in order.
    const demoNames = new Set(demoProducts.map((p) => p.name))
    assert.deepEqual(
      seen.map((p) => p.name).filter((name) => demoNames.has(name)),
      demoProducts.map((p) => p.name)
    )
    const coldBrew = seen.find((p) => p.name === '冷萃咖啡液')!
    assert.equal(coldBrew.price, 5900)
    assert.equal(coldBrew.soldOut, false)
    const giftBox = seen.find((p) => p.name === '限量桂花礼盒')!
    assert.deepEqual([giftBox.price, giftBox.soldOut], [16800, true])
  })

  test('by category, and by a search of names that treats % and _ as plain characters', async () => {
    const categories = (await get('/api/catalog/categories')).json().items as { id: number; name: string }[]
    const tea = categories.find((c) => c.name === '茶饮')!
    const inTea = (await get(`/api/catalog/products?category=${tea.id}`)).json().items as ProductCard[]
    assert.deepEqual(inTea.map((p) => p.name).sort(), ['白桃乌龙冷泡茶', '限量桂花礼盒'].sort())
    const found = (await get(`/api/catalog/products?q=${encodeURIComponent('保温杯')}`)).json().items as ProductCard[]
    assert.deepEqual(found.map((p) => p.name), ['随行保温杯'])
    assert.deepEqual((await get('/api/catalog/products?q=%25')).json().items, [])
    assert.deepEqual((await get('/api/catalog/products?q=_')).json().items, [])
  })

  test('a product with its spec dimensions in order and each SKU with its own price and stock', async () => {
    const list = (await get(`/api/catalog/products?q=${encodeURIComponent('随行保温杯')}`)).json().items as ProductCard[]
    const detail: ProductDetail = (await get(`/api/catalog/products/${list[0].id}`)).json()
    assert.deepEqual(detail.specs, [
      { name: '颜色', values: ['雾蓝', '燕麦白'] },
      { name: '容量', values: ['350ml', '500ml'] }
    ])
    assert.equal(detail.skus.length, 4)
    const soldOut = detail.skus.find((s) => s.specs.颜色 === '燕麦白' && s.specs.容量 === '500ml')!
    assert.deepEqual([soldOut.price, soldOut.stock], [14900, 0])
  })

  test('a product taken off sale, or that never was, is not found', async () => {
    const list = (await get(`/api/catalog/products?q=${encodeURIComponent('白桃')}`)).json().items as ProductCard[]
    await t.db.query('UPDATE products SET on_sale = false WHERE id = $1', [list[0].id])
    try {
      assertApiError(await get(`/api/catalog/products/${list[0].id}`), 'PRODUCT_NOT_FOUND')
      const names = ((await get('/api/catalog/products?limit=50')).json().items as ProductCard[]).map((p) => p.name)
      assert.ok(!names.includes('白桃乌龙冷泡茶'))
    } finally {
      await t.db.query('UPDATE products SET on_sale = true WHERE id = $1', [list[0].id])
    }
    assertApiError(await get('/api/catalog/products/999999'), 'PRODUCT_NOT_FOUND')
  })

  test('bad input: a clear 400, never a 500', async () => {
    for (const url of [
      '/api/catalog/products/abc',
      '/api/catalog/products/0',
      '/api/catalog/products/1.5',
      '/api/catalog/products/99999999999',
      '/api/catalog/products?category=-1',
      '/api/catalog/products?limit=1000',
      '/api/catalog/products?cursor=x',
      `/api/catalog/products?q=${'长'.repeat(31)}`,
      '/api/catalog/products?sort=price'
    ]) {
      assertApiError(await get(url), 'VALIDATION_FAILED', url)
    }
  })
})
