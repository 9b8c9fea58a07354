import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import type { Page } from 'playwright-core'
import { currentMember } from './api'
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
