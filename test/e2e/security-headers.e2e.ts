import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import type { Page } from 'playwright-core'
import { ADMIN_PASSWORD } from './server'
import { useBrowserSession } from './session'

// Every page of both apps under the server's Content-Security-Policy, in Chromium: a violation
// (a blocked script, style, image, font or request) is a broken page for a person, so it fails.

const consoleBuilt = existsSync(path.resolve(__dirname, '../../admin/dist/index.html'))
const session = useBrowserSession()
const skip = session.skip || (consoleBuilt ? false : 'the console is not built (npm run build:admin)')
if (!consoleBuilt && process.env.CI) throw new Error('security-headers e2e cannot run in CI: admin/dist is missing (npm run build:admin)')

/** The h5 app's pages (src/app.config.ts): main package and subpackages. */
const H5_PAGES = [
  'pages/join/index?scene=s%3DSH001%26g%3DE07',
  'pages/member/index',
  'pages/home/index',
  'pages/catalog/index',
  'pages/product/index?id=1',
  'pages/cart/index',
  'pages/checkout/index',
  'pages/orders/index',
  'pages/points/index',
  'pages/mine/index',
  'pages/coupons/index',
  'pages/tier/index',
  'pages/draw/index',
  'pages/draw/prizes',
  'pages/invite/index',
  'pages/invite/landing?code=ZZZZZZ',
  'pages/invite/records',
  'pages/invite/leaderboard'
]

/** The console's screens (admin/src/router.tsx). */
const CONSOLE_PAGES = ['/', '/members', '/adjustments', '/rules', '/stores', '/tills', '/audit', '/accounts', '/password', '/no-such-screen']

interface Violation {
  page: string
  what: string
}

/** Records CSP violations of every document the page loads, and the console's CSP errors. */
async function watch(page: Page, violations: Violation[]) {
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { __csp: string[] }).__csp = [])
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`)
    })
  })
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push({ page: page.url(), what: message.text() })
  })
}

async function settle(page: Page, label: string, violations: Violation[]) {
  await page.waitForLoadState('networkidle', { timeout: 20_000 }).catch(() => undefined)
  // Lazy chunks, images and styles injected after the first paint.
  await page.waitForTimeout(500)
  const seen = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])
  for (const what of seen) violations.push({ page: label, what })
}

test('the h5 app and the console are served with a CSP, frame and sniffing protection', { skip }, async () => {
  for (const url of ['/', '/admin/', '/api/points/rules', '/openapi.json']) {
    const response = await fetch(`${session.server.baseUrl}${url}`)
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/, url)
    assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, url)
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff', url)
    assert.equal(response.headers.get('x-frame-options'), 'DENY', url)
  }
})

test('every h5 page works under the CSP: no violation, a member card and its QR code (a data: image) included', { skip }, async () => {
  const page = session.page
  const violations: Violation[] = []
  await watch(page, violations)
  // Joined first, so the member pages show what a member sees (the card's QR code is a data: image).
  await page.goto(`${session.server.baseUrl}/#/pages/join/index?scene=${encodeURIComponent('s=SH001&g=E07')}`)
  await page.locator('.nut-button', { hasText: '加入会员' }).click()
  await page.getByTestId('member-card').waitFor({ timeout: 20_000 })
  await settle(page, 'join → member card', violations)
  for (const route of H5_PAGES) {
    await page.goto(`${session.server.baseUrl}/#/${route}`)
    await settle(page, route, violations)
  }
  assert.deepEqual(violations, [], violations.map((v) => `${v.page}: ${v.what}`).join('\n'))
})

test('every console screen works under the CSP: no violation (antd injects its styles at run time)', { skip }, async () => {
  const context = await session.page.context().browser()!.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  const violations: Violation[] = []
  await watch(page, violations)
  try {
    await page.goto(`${session.server.baseUrl}/admin/login`)
    await settle(page, '/login', violations)
    await page.getByLabel('用户名').fill('admin')
    await page.getByLabel('密码').fill(ADMIN_PASSWORD)
    await page.getByRole('button', { name: /^\s*登\s*录\s*$/ }).click()
    await page.getByTestId('operator-name').waitFor({ timeout: 20_000 })
    for (const screen of CONSOLE_PAGES) {
      await page.goto(`${session.server.baseUrl}/admin${screen}`)
      await page.getByTestId('operator-name').waitFor({ timeout: 20_000 })
      await settle(page, screen, violations)
    }
    assert.deepEqual(violations, [], violations.map((v) => `${v.page}: ${v.what}`).join('\n'))
  } finally {
    await context.close()
  }
})
