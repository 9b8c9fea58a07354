import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import type { Page } from 'playwright-core'
import { callApi, currentMember } from './api'
import { ADMIN_PASSWORD } from './server'
import { screenshots, useBrowserSession } from './session'

const OPS = { username: 'ops.wang', displayName: '运营小王', password: 'ops-first-password-1' }
const SUPPORT = { username: 'cs.li', displayName: '客服小李', password: 'cs-first-password-1' }

const consoleBuilt = existsSync(path.resolve(__dirname, '../../admin/dist/index.html'))
const session = useBrowserSession()
const skip = session.skip || (consoleBuilt ? false : 'the console is not built (npm run build --prefix admin)')
if (!consoleBuilt && process.env.CI) throw new Error('console e2e cannot run in CI: admin/dist is missing (npm run build --prefix admin)')

/** antd puts a space between the two characters of a two-character Chinese button label (登 录). */
const label = (text: string) => new RegExp(`^\\s*${[...text].join('\\s*')}\\s*$`)

let desk: Page
let memberNo: string

/** The console on a desktop-sized page of its own, beside the member's phone. */
async function consolePage(): Promise<Page> {
  desk ??= await session.page.context().browser()!.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' }).then((c) => c.newPage())
  return desk
}

async function signIn(page: Page, username: string, password: string) {
  await page.goto(`${session.server.baseUrl}/admin/login`)
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码').fill(password)
  await page.getByRole('button', { name: label('登录') }).click()
  await page.getByTestId('operator-name').waitFor({ timeout: 20_000 })
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: /退出登录/ }).click()
  await page.getByLabel('用户名').waitFor()
}

/** Picks an option of the antd Select inside the form item labelled `field`. */
async function choose(page: Page, scope: ReturnType<Page['locator']>, field: string, option: string) {
  await scope.locator('.ant-form-item', { hasText: field }).locator('.ant-select-selector').click()
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click()
}

async function createAccount(page: Page, account: { username: string; displayName: string; password: string }, role: string) {
  await page.getByRole('button', { name: /新建账号/ }).click()
  const dialog = page.getByRole('dialog', { name: '新建账号' })
  await dialog.getByLabel('用户名').fill(account.username)
  await dialog.getByLabel('显示名').fill(account.displayName)
  await choose(page, dialog, '角色', role)
  await dialog.getByLabel('初始密码').fill(account.password)
  await dialog.getByRole('button', { name: label('保存') }).click()
  await dialog.waitFor({ state: 'hidden' })
  await page.locator('.ant-table-row', { hasText: account.username }).waitFor()
}

test('a consumer joins in the mini-program', { skip }, async () => {
  await session.page.goto(`${session.server.baseUrl}/#/pages/join/index?scene=${encodeURIComponent('s=SH001&g=E07')}`)
  await session.page.locator('.nut-button', { hasText: '加入会员' }).click()
  await session.page.getByTestId('member-card').waitFor({ timeout: 20_000 })
  memberNo = (await currentMember(session)).memberNo
})

test('the first-run admin signs in and creates a 运营 and a 客服 account on the 账号 screen', { skip }, async () => {
  const page = await consolePage()
  await page.goto(`${session.server.baseUrl}/admin/`)
  await page.waitForURL(/\/admin\/login$/)
  // The first console account: `admin` with the bootstrap password startServer gives the server.
  await signIn(page, 'admin', ADMIN_PASSWORD)
  // The bootstrap password was given to the admin, not chosen by them.
  await page.waitForURL(/\/admin\/password$/)
  await page.getByText('请先设置一个只有您知道的新密码').waitFor()

  await page.getByRole('link', { name: '账号' }).click()
  await page.waitForURL(/\/admin\/accounts$/)
  await createAccount(page, OPS, '运营')
  await createAccount(page, SUPPORT, '客服')
  const rows = page.locator('.ant-table-row')
  assert.match((await rows.filter({ hasText: OPS.username }).textContent()) ?? '', /运营小王.*运营/)
  assert.match((await rows.filter({ hasText: SUPPORT.username }).textContent()) ?? '', /客服小李.*客服/)
  await page.screenshot({ path: path.join(screenshots, 'console-accounts.png') })
  await signOut(page)
})

test('运营 finds the member, adjusts +300 积分 with a reason, and sees it in 操作日志', { skip }, async () => {
  const page = await consolePage()
  await signIn(page, OPS.username, OPS.password)
  assert.equal(await page.getByTestId('operator-role').textContent(), '运营')

  await page.getByRole('link', { name: '会员' }).click()
  await page.getByPlaceholder('会员号或昵称').fill(memberNo)
  await page.getByRole('button', { name: /查\s*询/ }).click()
  await page.getByText('共 1 位会员').first().waitFor()
  await page.locator('.ant-table-row', { hasText: memberNo }).click()

  await page.waitForURL(new RegExp(`/admin/members/${memberNo}$`))
  await page.getByTestId('member-balance').filter({ hasText: '100 积分' }).waitFor()
  await page.getByRole('button', { name: /调整积分/ }).click()
  const dialog = page.getByRole('dialog', { name: '调整积分' })
  await dialog.getByLabel('积分数量').fill('300')
  await dialog.getByLabel('原因').fill('门店活动补发积分')
  await dialog.getByRole('button', { name: label('提交') }).click()
  // Nothing changes points without a confirmation.
  const confirm = page.locator('.ant-modal-confirm', { hasText: '确认为会员增加 300 积分？' })
  await confirm.waitFor()
  await confirm.getByRole('button', { name: /确认增加/ }).click()
  await page.getByText('已增加 300 积分，当前余额 400 积分').waitFor()
  await page.getByTestId('member-balance').filter({ hasText: '400 积分' }).waitFor()
  const entry = page.locator('.ant-tabs-tabpane-active .ant-table-row', { hasText: '门店活动补发积分' })
  await entry.waitFor()
  assert.match((await entry.textContent()) ?? '', /\+300/)
  await page.screenshot({ path: path.join(screenshots, 'console-member.png') })

  await page.getByRole('link', { name: '操作日志' }).click()
  await page.locator('.ant-form-item', { hasText: '对象编号' }).getByRole('textbox').fill(memberNo)
  await page.getByRole('button', { name: /查\s*询/ }).click()
  const row = page.locator('.ant-table-row', { hasText: '调整积分' }).filter({ hasText: '门店活动补发积分' })
  await row.waitFor()
  assert.match((await row.textContent()) ?? '', new RegExp(OPS.username))
  await row.click()
  await page.locator('.ant-table-expanded-row', { hasText: '"points": 300' }).waitFor()
  await page.screenshot({ path: path.join(screenshots, 'console-audit.png') })
  await signOut(page)
})

test("the member sees +300 in 积分明细 in the mini-program", { skip }, async () => {
  await session.page.goto(`${session.server.baseUrl}/#/pages/member/index`)
  await session.page.getByTestId('member-card').waitFor({ timeout: 20_000 })
  await session.page.locator('.member-card__points').click()
  await session.page.locator('.points-header').waitFor({ timeout: 20_000 })
  assert.equal(await session.page.locator('.points-header').getByTestId('points-balance').textContent(), '400')
  const entry = session.page.locator('.points-entry', { hasText: '门店活动补发积分' })
  await entry.waitFor()
  assert.match((await entry.textContent()) ?? '', /\+300/)
})

test('客服 has no 规则 in the menu, and /admin/rules answers 无权限', { skip }, async () => {
  const page = await consolePage()
  await signIn(page, SUPPORT.username, SUPPORT.password)
  assert.equal(await page.getByTestId('operator-role').textContent(), '客服')
  const menu = page.locator('.ant-layout-sider .ant-menu')
  await menu.getByRole('link', { name: '会员' }).waitFor()
  assert.equal(await menu.getByRole('link', { name: '规则' }).count(), 0)
  assert.equal(await menu.getByRole('link', { name: '账号' }).count(), 0)

  await page.goto(`${session.server.baseUrl}/admin/rules`)
  await page.getByText('无权限').waitFor()
  await page.screenshot({ path: path.join(screenshots, 'console-forbidden.png') })
})

test('运营 ships a paid order from the 订单 screen and approves a 售后 request in the 售后 screen', { skip }, async () => {
  // Two orders of the member's, placed beside the browser: one paid, one received with a 退货退款 request.
  const member = await currentMember(session)
  const { skus } = await callApi<{ skus: { id: number }[] }>(session, member, 'GET', '/api/catalog/products/1')
  const address = { name: '王小慧', phone: '13800138000', region: '上海市 静安区', detail: '南京西路 1266 号' }
  const paidOrder = async () => {
    const { orderNo } = await callApi<{ orderNo: string }>(session, member, 'POST', '/api/orders', { items: [{ skuId: skus[0]!.id, quantity: 1 }], address })
    await callApi(session, member, 'POST', `/api/orders/${orderNo}/pay`)
    return orderNo
  }
  const toShip = await paidOrder()
  const returned = await paidOrder()
  await callApi(session, 'operator', 'POST', `/api/admin/orders/${returned}/ship`, { carrier: '顺丰速运', trackingNo: 'SF1000000001' })
  await callApi(session, member, 'POST', `/api/orders/${returned}/receive`)
  const { aftersaleNo } = await callApi<{ aftersaleNo: string }>(session, member, 'POST', `/api/orders/${returned}/aftersales`, { kind: 'return_refund', reason: '质量问题', note: '瓶盖漏了' })

  const page = await consolePage()
  await page.goto(`${session.server.baseUrl}/admin/`)
  // Whoever the previous test left signed in: wait until the page shows either them or the login
  // form (isVisible does not wait), and sign them out first.
  const signedIn = page.getByTestId('operator-name')
  await signedIn.or(page.getByLabel('用户名')).first().waitFor()
  if (await signedIn.isVisible()) await signOut(page)
  await signIn(page, OPS.username, OPS.password)
  await page.getByRole('link', { name: '订单' }).click()
  await page.getByPlaceholder('完整订单号').fill(toShip)
  await page.getByRole('button', { name: /查\s*询/ }).click()
  await page.getByText('共 1 单').first().waitFor()
  const row = page.locator('.ant-table-row', { hasText: toShip })
  assert.match((await row.textContent()) ?? '', /待发货/)
  await row.getByRole('button', { name: label('发货') }).click()
  const dialog = page.getByRole('dialog', { name: `发货 · ${toShip}` })
  await dialog.getByLabel('运单号').fill('SF2000000002')
  await dialog.getByRole('button', { name: label('发货') }).click()
  // Nothing ships without a confirmation naming the order and the tracking number.
  const confirm = page.locator('.ant-modal-confirm', { hasText: `确认发货订单 ${toShip}？` })
  await confirm.waitFor()
  assert.match((await confirm.textContent()) ?? '', /SF2000000002/)
  await confirm.getByRole('button', { name: /确认发货/ }).click()
  await page.getByText(`订单 ${toShip} 已发货`).waitFor()
  await row.filter({ hasText: '待收货' }).filter({ hasText: 'SF2000000002' }).waitFor()
  await page.screenshot({ path: path.join(screenshots, 'console-orders.png') })
  const shipped = await callApi<{ status: string; shipping: { trackingNo: string } | null }>(session, member, 'GET', `/api/orders/${toShip}`)
  assert.equal(shipped.status, 'shipped')
  assert.equal(shipped.shipping?.trackingNo, 'SF2000000002')

  await page.getByRole('link', { name: '售后' }).click()
  const card = page.getByTestId('aftersale-card').filter({ hasText: aftersaleNo })
  await card.waitFor()
  assert.match((await card.textContent()) ?? '', /瓶盖漏了/)
  await card.getByRole('button', { name: label('同意') }).click()
  await page.getByRole('dialog', { name: `同意售后申请 ${aftersaleNo}？` }).getByRole('button', { name: /确认同意/ }).click()
  await page.getByText('已同意，等待会员寄回商品').waitFor()
  await card.waitFor({ state: 'detached' })
  await page.getByRole('tab', { name: '待退货' }).click()
  await card.filter({ hasText: '待退货' }).waitFor()
  await page.screenshot({ path: path.join(screenshots, 'console-aftersales.png') })
  const { items } = await callApi<{ items: { aftersaleNo: string; status: string }[] }>(session, member, 'GET', `/api/orders/${returned}/aftersales`)
  assert.equal(items.find((a) => a.aftersaleNo === aftersaleNo)?.status, 'awaiting_return')
})
