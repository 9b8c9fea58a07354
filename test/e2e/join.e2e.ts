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
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' })
  page = await context.newPage()
  mkdirSync(screenshots, { recursive: true })
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

const joinLink = (scene: string) => `${server.baseUrl}/#/pages/join/index?scene=${encodeURIComponent(scene)}`

test('a consumer opens a store join link, joins, and sees the card with 100 points', { skip: skip ?? false }, async () => {
  await page.goto(joinLink('s=SH001&g=E07'))
  await page.getByText('上海南京西路旗舰店').first().waitFor()
  await page.getByText('专属导购：王小慧').waitFor()
  await page.screenshot({ path: path.join(screenshots, 'join.png') })

  await page.locator('.nut-button', { hasText: '加入会员' }).click()
  const card = page.getByTestId('member-card')
  await card.waitFor({ timeout: 20_000 })
  assert.equal(await page.getByTestId('points-balance').textContent(), '100')
  await page.getByLabel('会员等级：普通会员').first().waitFor()
  await page.getByText('再获得 1,000 成长值升级为银卡').waitFor()
  await page.getByLabel('会员码').waitFor()
  await page.screenshot({ path: path.join(screenshots, 'member-card.png') })
})

test('after a reload the person is still a member with the same points', { skip: skip ?? false }, async () => {
  await page.reload()
  await page.getByTestId('member-card').waitFor({ timeout: 20_000 })
  assert.equal(await page.getByTestId('points-balance').textContent(), '100')
})

test("scanning another store's code later goes to the card without a second gift", { skip: skip ?? false }, async () => {
  await page.goto(joinLink('s=BJ001'))
  await page.waitForURL(/pages\/member\/index/, { timeout: 20_000 })
  await page.getByTestId('member-card').waitFor({ timeout: 20_000 })
  assert.equal(await page.getByTestId('points-balance').textContent(), '100')
  await page.getByText(/上海南京西路旗舰店 · /).waitFor()
})
