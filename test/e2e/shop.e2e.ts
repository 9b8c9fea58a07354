import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { screenshots, useBrowserSession } from './session'

const session = useBrowserSession()
const { skip } = session

test('a shopper browses a category, picks a spec, adds to the cart, and the cart survives a reload', { skip }, async () => {
  const { page, server } = session
  await page.goto(`${server.baseUrl}/#/pages/catalog/index`)
  await page.locator('.catalog-categories__chip', { hasText: '周边' }).click()
  await page.locator('.product-grid__item', { hasText: '随行保温杯' }).click()

  await page.getByTestId('product-stock').waitFor({ timeout: 20_000 })
  await page.locator('.product-spec__value', { hasText: '燕麦白' }).click()
  await page.locator('.product-spec__value', { hasText: '350ml' }).click()
  assert.equal(await page.getByTestId('product-price').textContent(), '¥129.00')
  assert.equal(await page.getByTestId('product-stock').textContent(), '库存 5 件')
  await page.locator('.product-quantity__button', { hasText: '+' }).click()
  await page.locator('.nut-button', { hasText: '加入购物车' }).click()

  await page.goto(`${server.baseUrl}/#/pages/cart/index`)
  await page.getByTestId('cart-total').waitFor({ timeout: 20_000 })
  assert.match((await page.getByTestId('cart-total').textContent()) ?? '', /合计 ¥258\.00（2 件）/)
  await page.reload()
  await page.getByTestId('cart-total').waitFor({ timeout: 20_000 })
  assert.match((await page.getByTestId('cart-total').textContent()) ?? '', /¥258\.00/)
  assert.match((await page.locator('.cart-line').first().textContent()) ?? '', /燕麦白 \/ 350ml/)
  await page.screenshot({ path: path.join(screenshots, 'cart.png') })
})
