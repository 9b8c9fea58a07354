import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { callApi, currentMember, grantPoints } from './api'
import { screenshots, useBrowserSession } from './session'

const session = useBrowserSession()
const { skip } = session

test('a shopper browses a category, picks a spec, adds to the cart, and the cart survives a reload', { skip }, async () => {
  const { page, server } = session
  await page.goto(`${server.baseUrl}/#/pages/join/index?s=SH001`)
  await page.locator('.nut-button', { hasText: '加入会员' }).click()
  await page.getByTestId('member-card').waitFor({ timeout: 20_000 })

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

/** The operations team issues the member one coupon of a seeded template. */
async function issueCoupon(templateName: string) {
  const { memberNo } = await currentMember(session)
  const templates = await callApi<{ items: { id: number; name: string }[] }>(session, 'operator', 'GET', '/api/admin/coupon-templates')
  const template = templates.items.find((item) => item.name === templateName)!
  await callApi(session, 'operator', 'POST', '/api/admin/coupons', { templateId: template.id, memberNo })
}

test('checkout: the ¥20 coupon preselected, 200 points take ¥20 off, paid with the dev provider; the card shows the points used and the pending ones', { skip }, async () => {
  const { page, server } = session
  await grantPoints(session, 200) // 100 welcome + 200 = 300
  await issueCoupon('满199减20')
  await page.locator('.nut-button', { hasText: '去结算' }).click()
  await page.getByTestId('checkout-goods').waitFor({ timeout: 20_000 })
  await page.locator('input[placeholder="收货人"]').fill('王小慧')
  await page.locator('input[placeholder="手机号"]').fill('13800138000')
  await page.locator('input[placeholder="省 市 区"]').fill('上海市 静安区')
  await page.locator('input[placeholder="详细地址"]').fill('南京西路 1266 号')
  await page.getByTestId('checkout-points-hint').filter({ hasText: '本单最多可用' }).waitFor({ timeout: 20_000 })
  assert.match((await page.getByTestId('checkout-coupon').textContent()) ?? '', /-¥20\.00/)
  const plus = page.getByTestId('checkout-points-plus')
  await plus.click()
  await page.getByTestId('checkout-points-hint').filter({ hasText: '使用 100 积分' }).waitFor({ timeout: 20_000 })
  await plus.click()
  await page.getByTestId('checkout-points-hint').filter({ hasText: /使用 200 积分抵 ¥20\.00/ }).waitFor({ timeout: 20_000 })
  // ¥258.00 − ¥20.00 coupon − ¥20.00 of points.
  await page.getByTestId('checkout-pay').filter({ hasText: '实付 ¥218.00' }).waitFor({ timeout: 20_000 })
  await page.screenshot({ path: path.join(screenshots, 'checkout.png') })

  await page.locator('.nut-button', { hasText: '提交订单' }).click()
  await page.getByText('确认支付').waitFor()
  await page.getByText('确定').last().click()
  await page.waitForURL(/pages\/orders\/index/, { timeout: 20_000 })
  await page.getByTestId('order-status').filter({ hasText: '待发货' }).waitFor({ timeout: 20_000 })

  await page.goto(`${server.baseUrl}/#/pages/member/index`)
  const card = page.getByTestId('member-card')
  await card.waitFor({ timeout: 20_000 })
  assert.equal(await card.getByTestId('points-balance').textContent(), '100')
  assert.equal(await card.getByTestId('points-pending').textContent(), '218 积分待生效')

  await page.goto(`${server.baseUrl}/#/pages/points/index`)
  const header = page.locator('.points-header')
  await header.waitFor({ timeout: 20_000 })
  assert.equal(await header.getByTestId('points-balance').textContent(), '100')
  assert.match((await header.getByTestId('points-pending').textContent()) ?? '', /218 积分待生效/)
  await page.locator('.points-entry', { hasText: '订单抵扣' }).waitFor()
  await page.screenshot({ path: path.join(screenshots, 'points-after-order.png') })
})

test('a refund of the whole order takes back the pending points, returns the 200 used and the coupon', { skip }, async () => {
  const { page, server } = session
  await page.goto(`${server.baseUrl}/#/pages/orders/index`)
  await page.locator('.order-card', { hasText: '待发货' }).locator('.nut-button', { hasText: '申请退款' }).click()
  const form = page.getByTestId('refund-form')
  await form.waitFor({ timeout: 20_000 })
  await form.getByText('不想要了').click()
  await form.locator('.nut-button', { hasText: '提交退款' }).click()
  await page.getByText('确认申请退款').waitFor()
  await page.getByText('确定').last().click()
  await page.getByTestId('order-status').filter({ hasText: '已退款' }).waitFor({ timeout: 20_000 })

  await page.goto(`${server.baseUrl}/#/pages/points/index`)
  const header = page.locator('.points-header')
  await header.waitFor({ timeout: 20_000 })
  await page.locator('.points-entry', { hasText: '订单退款 退回积分' }).waitFor({ timeout: 20_000 })
  assert.equal(await header.getByTestId('points-balance').textContent(), '300')
  assert.equal(await header.getByTestId('points-pending').count(), 0, 'no pending points left')

  await page.goto(`${server.baseUrl}/#/pages/coupons/index`)
  await page.getByText('满199减20').first().waitFor({ timeout: 20_000 })
})
