import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { callApi } from './api'
import { screenshots, useBrowserSession } from './session'

const session = useBrowserSession()
const { skip } = session

/**
 * An activity whose only prize with weight is 20 积分 (the draw stays the server's choice; the
 * weights make it certain), so the walk knows what the grid must stop on.
 */
async function certainActivity(): Promise<string> {
  const code = `e2e-${Date.now()}`
  const other = (name: string, points: number) => ({ name, kind: 'points', points, weight: 0 })
  await callApi(session, 'operator', 'POST', '/api/admin/draw/activities', {
    code,
    name: 'e2e 九宫格',
    startsAt: new Date(Date.now() - 3600_000).toISOString(),
    endsAt: new Date(Date.now() + 86_400_000).toISOString(),
    costPoints: 50,
    freeDrawsPerDay: 0,
    dailyLimit: 5,
    claimDays: 7,
    rules: '每次 50 积分',
    prizes: [other('1 积分', 1), other('2 积分', 2), { name: '20 积分', kind: 'points', points: 20, weight: 1 }, other('3 积分', 3), other('4 积分', 4), { name: '谢谢参与', kind: 'thanks', weight: 0 }, other('5 积分', 5), other('6 积分', 6)]
  })
  return code
}

test('a member draws once on h5: the grid stops on the prize, 50 积分 are taken and 20 given, and 我的奖品 lists it', { skip }, async () => {
  const { page, server } = session
  await page.goto(`${server.baseUrl}/#/pages/join/index?s=SH001`)
  await page.locator('.nut-button', { hasText: '加入会员' }).click()
  await page.getByTestId('member-card').waitFor({ timeout: 20_000 })
  const code = await certainActivity()

  await page.goto(`${server.baseUrl}/#/pages/draw/index?code=${code}`)
  await page.getByTestId('draw-balance').filter({ hasText: '100' }).waitFor({ timeout: 20_000 })
  assert.match((await page.getByTestId('draw-start').textContent()) ?? '', /50 积分\/次/)
  await page.getByTestId('draw-start').click()
  await page.getByText('确认抽奖').waitFor()
  await page.getByText('确定').last().click()

  const result = page.getByTestId('draw-result')
  await result.getByText('获得 20 积分，已到账').waitFor({ timeout: 30_000 })
  assert.equal(await page.getByTestId('draw-cell-2').getAttribute('aria-current'), 'true', 'the highlight rests on the server’s prize')
  assert.match((await result.textContent()) ?? '', /当前积分 70 积分/)
  assert.match((await result.textContent()) ?? '', /本次消耗 50 积分/)
  await page.screenshot({ path: path.join(screenshots, 'draw-result.png') })

  await page.goto(`${server.baseUrl}/#/pages/draw/prizes`)
  const row = page.locator('.prize-row', { hasText: '20 积分' })
  await row.waitFor({ timeout: 20_000 })
  assert.equal(await row.getByTestId('prize-status').textContent(), '已发放')

  await page.goto(`${server.baseUrl}/#/pages/points/index`)
  await page.locator('.points-entry', { hasText: '积分抽奖' }).waitFor({ timeout: 20_000 })
  await page.locator('.points-entry', { hasText: '抽奖奖励' }).waitFor()
})
