import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { callApi, currentMember, sessionToken } from './api'
import { screenshots, useBrowserSession } from './session'

const session = useBrowserSession()
const { skip } = session

test("A's invite link opened by a new person B: B joins with the new-member coupon, A's records show B and A earned 50 积分", { skip }, async () => {
  const { page: a, server } = session
  await a.goto(`${server.baseUrl}/#/pages/join/index?s=SH001`)
  await a.locator('.nut-button', { hasText: '加入会员' }).click()
  await a.getByTestId('member-card').waitFor({ timeout: 20_000 })
  const inviter = await currentMember(session)
  await callApi(session, { token: inviter.token }, 'POST', '/api/referral/nickname', { nickname: '王小慧' })
  await a.goto(`${server.baseUrl}/#/pages/invite/index`)
  await a.getByText('每成功邀请 1 位好友 +50 积分', { exact: false }).first().waitFor({ timeout: 20_000 })
  const { code } = await callApi<{ code: string }>(session, { token: inviter.token }, 'GET', '/api/referral/me')
  await a.screenshot({ path: path.join(screenshots, 'invite.png') })

  // B, on another phone, opens the card A shared.
  const b = await session.anotherPerson()
  await b.goto(`${server.baseUrl}/#/pages/invite/landing?code=${code}&channel=card`)
  await b.getByTestId('inviter-name').filter({ hasText: '王**' }).waitFor({ timeout: 20_000 })
  await b.getByText('新人专享券').first().waitFor()
  await callApi(session, { token: await sessionToken(b) }, 'POST', '/api/referral/nickname', { nickname: '李雷' })
  await b.screenshot({ path: path.join(screenshots, 'invite-landing.png') })
  await b.locator('.nut-button', { hasText: '加入会员' }).click()
  await b.getByTestId('welcome-points').filter({ hasText: '入会赠送 100 积分' }).waitFor({ timeout: 20_000 })
  await b.getByText('邀请礼已放入您的卡包').waitFor()
  const friend = await callApi<{ items: { name: string }[] }>(session, { token: await sessionToken(b) }, 'GET', '/api/coupons')
  assert.deepEqual(friend.items.map((coupon) => coupon.name), ['新人专享券'])

  await a.goto(`${server.baseUrl}/#/pages/invite/records`)
  const record = a.getByTestId('invite-record').filter({ hasText: '李**' })
  await record.waitFor({ timeout: 20_000 })
  assert.match((await record.textContent()) ?? '', /已加入/)
  assert.match((await record.textContent()) ?? '', /\+50 积分/)
  await a.screenshot({ path: path.join(screenshots, 'invite-records.png') })
  await a.goto(`${server.baseUrl}/#/pages/member/index`)
  await a.getByTestId('points-balance').filter({ hasText: '150' }).waitFor({ timeout: 20_000 })
})
