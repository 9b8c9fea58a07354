import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { after, before, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { browserMissingReason, launchBrowser } from './browser'
import { startServer, type RunningServer } from './server'

const skip = browserMissingReason()
if (skip) process.stdout.write(`# skipping browser e2e: ${skip}\n`)

const screenshots = path.resolve(__dirname, '../../test-results')
let server: RunningServer
let browser: Browser
let page: Page

before(async () => {
  if (skip) return
  server = await startServer()
  browser = await launchBrowser()
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, locale: 'zh-CN' })
  page = await context.newPage()
  mkdirSync(screenshots, { recursive: true })
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

/** The session token the h5 app keeps (Taro's h5 storage wraps values as {"data": …}). */
async function sessionToken(): Promise<string> {
  const stored = await page.evaluate(() => localStorage.getItem('lm.session.token'))
  assert.ok(stored, 'the app keeps a session token')
  return (JSON.parse(stored) as { data: string }).data
}

/** The till: scans the member's code and records a sale, as a cashier's POS would. */
async function tillSale(receiptNo: string, goodsAmount: number, pointsToUse?: number) {
  const me = await fetch(`${server.baseUrl}/api/members/me/code`, { headers: { authorization: `Bearer ${await sessionToken()}` } })
  const { code } = (await me.json()) as { code: string }
  const response = await fetch(`${server.baseUrl}/api/cashier/sales`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cashier-key': 'dev-cashier-key', 'idempotency-key': `e2e-${receiptNo}` },
    body: JSON.stringify({ storeCode: 'SH002', receiptNo, memberCode: code, goodsAmount, pointsToUse })
  })
  assert.equal(response.status, 200, await response.clone().text())
}

const header = () => page.locator('.points-header')

test('a new member opens 积分明细 from the card and sees the welcome gift', { skip: skip ?? false }, async () => {
  await page.goto(`${server.baseUrl}/#/pages/join/index?s=SH002`)
  await page.locator('.nut-button', { hasText: '加入会员' }).click()
  await page.getByTestId('member-card').waitFor({ timeout: 20_000 })

  await page.locator('.member-card__points').click()
  await header().waitFor({ timeout: 20_000 })
  assert.equal(await header().getByTestId('points-balance').textContent(), '100')
  const welcome = page.locator('.points-entry', { hasText: '新会员礼' })
  await welcome.waitFor()
  assert.match((await welcome.textContent()) ?? '', /\+100/)
})

test('after a till sale paid partly with points, the page shows the points used and the pending points earned', { skip: skip ?? false }, async () => {
  await tillSale('E2E-1', 25_000, 100)
  await page.reload()
  await header().waitFor({ timeout: 20_000 })
  assert.equal(await header().getByTestId('points-balance').textContent(), '0')
  assert.match((await header().getByTestId('points-pending').textContent()) ?? '', /240 积分待生效/)

  const used = page.locator('.points-entry', { hasText: '门店消费抵扣' })
  await used.waitFor()
  assert.match((await used.textContent()) ?? '', /-100/)
  const earned = page.locator('.points-entry', { hasText: /门店消费 上海徐家汇店/ })
  assert.match((await earned.textContent()) ?? '', /\+240/)
  assert.match((await earned.textContent()) ?? '', /待生效 · .* 可用/)

  await page.getByTestId('points-filter-used').click()
  // The filtered page replaces the list: only the one use is left.
  await page.locator('.points-entry', { hasText: '新会员礼' }).waitFor({ state: 'detached' })
  await page.locator('.points-entry', { hasText: '门店消费抵扣' }).waitFor()
  await page.waitForFunction(() => document.querySelectorAll('.points-entry').length === 1, undefined, { timeout: 10_000 })
  await page.screenshot({ path: path.join(screenshots, 'points.png') })
})
