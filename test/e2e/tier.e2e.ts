import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { callApi, currentMember } from './api'
import { screenshots, useBrowserSession } from './session'

const session = useBrowserSession()
const { skip } = session

/** A SKU of a demo product by the product's name (and a spec value, when it has specs). */
async function skuOf(token: string, productName: string, spec?: string): Promise<number> {
  const list = await callApi<{ items: { id: number; name: string }[] }>(session, { token }, 'GET', `/api/catalog/products?q=${encodeURIComponent(productName)}`)
  const product = list.items.find((item) => item.name === productName)!
  const detail = await callApi<{ skus: { id: number; specs: Record<string, string> }[] }>(session, { token }, 'GET', `/api/catalog/products/${product.id}`)
  return detail.skus.find((sku) => spec === undefined || Object.values(sku.specs).includes(spec))!.id
}

test('a member 26 growth short of 银卡 buys a ¥39 tea, sees the celebration once and 银卡 on the card', { skip }, async () => {
  const { page, server } = session
  await page.goto(`${server.baseUrl}/#/pages/join/index?s=SH001`)
  await page.locator('.nut-button', { hasText: '加入会员' }).click()
  await page.getByTestId('member-card').waitFor({ timeout: 20_000 })

  // Earlier shopping, through the API: ¥128 × 7 + ¥39 × 2 = ¥974, i.e. 974 growth.
  const { token } = await currentMember(session)
  const beans = await skuOf(token, '云南小粒咖啡豆', '500g')
  const tea = await skuOf(token, '白桃乌龙冷泡茶')
  const address = { name: '王小慧', phone: '13800138000', region: '上海市 静安区', detail: '南京西路 1266 号' }
  const earlier = await callApi<{ orderNo: string }>(session, { token }, 'POST', '/api/orders', {
    items: [{ skuId: beans, quantity: 7 }, { skuId: tea, quantity: 2 }],
    address
  })
  await callApi(session, { token }, 'POST', `/api/orders/${earlier.orderNo}/pay`)
  const before = await callApi<{ growth: number; tier: { name: string } }>(session, { token }, 'GET', '/api/members/me/tier')
  assert.deepEqual([before.growth, before.tier.name], [974, '普通会员'])

  await page.goto(`${server.baseUrl}/#/pages/catalog/index`)
  await page.locator('.product-grid__item', { hasText: '白桃乌龙冷泡茶' }).click()
  await page.getByTestId('product-stock').waitFor({ timeout: 20_000 })
  await page.locator('.nut-button', { hasText: '加入购物车' }).click()
  await page.goto(`${server.baseUrl}/#/pages/cart/index`)
  await page.locator('.nut-button', { hasText: '去结算' }).click()
  await page.getByTestId('checkout-goods').waitFor({ timeout: 20_000 })
  await page.locator('input[placeholder="收货人"]').fill(address.name)
  await page.locator('input[placeholder="手机号"]').fill(address.phone)
  await page.locator('input[placeholder="省 市 区"]').fill(address.region)
  await page.locator('input[placeholder="详细地址"]').fill(address.detail)
  await page.getByTestId('checkout-pay').filter({ hasText: '实付 ¥39.00' }).waitFor({ timeout: 20_000 })
  await page.locator('.nut-button', { hasText: '提交订单' }).click()
  await page.getByText('确认支付').waitFor()
  await page.getByText('确定').last().click()
  await page.getByTestId('order-status').filter({ hasText: '待发货' }).first().waitFor({ timeout: 20_000 })

  await page.goto(`${server.baseUrl}/#/pages/member/index`)
  const celebration = page.getByTestId('tier-celebration')
  await celebration.getByText('恭喜升级为 银卡').waitFor({ timeout: 20_000 })
  await page.screenshot({ path: path.join(screenshots, 'tier-celebration.png') })
  await celebration.locator('.nut-button', { hasText: '我知道了' }).click()
  const card = page.getByTestId('member-card')
  await card.getByLabel('会员等级：银卡').waitFor({ timeout: 20_000 })

  await page.reload()
  await card.getByLabel('会员等级：银卡').waitFor({ timeout: 20_000 })
  assert.equal(await page.getByTestId('tier-celebration').count(), 0, 'celebrated once')

  await page.goto(`${server.baseUrl}/#/pages/tier/index`)
  await page.getByTestId('tier-upgrade-hint').filter({ hasText: '再消费 ¥3,987 升级金卡' }).waitFor({ timeout: 20_000 })
  await page.screenshot({ path: path.join(screenshots, 'tier-page.png') })
})
