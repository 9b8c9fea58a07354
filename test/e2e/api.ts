import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { Page } from 'playwright-core'
import type { BrowserSession } from './session'

/** The session token the h5 app keeps (Taro's h5 storage wraps values as {"data": …}). */
export async function sessionToken(page: Page): Promise<string> {
  const stored = await page.evaluate(() => localStorage.getItem('lm.session.token'))
  return (JSON.parse(stored!) as { data: string }).data
}

/**
 * A call to the real server beside the browser: as the page's member (`token`) or as the
 * operations team (`operator`). Answers the parsed body and fails the test on a non-2xx.
 */
export async function callApi<T = Record<string, unknown>>(
  session: BrowserSession,
  as: { token: string } | 'operator',
  method: 'GET' | 'POST',
  path: string,
  body?: unknown
): Promise<T> {
  const headers: Record<string, string> = as === 'operator' ? { 'x-operator-key': 'dev-operator-key' } : { authorization: `Bearer ${as.token}` }
  if (method === 'POST') Object.assign(headers, { 'content-type': 'application/json', 'idempotency-key': `e2e-${randomUUID()}` })
  const response = await fetch(`${session.server.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await response.text()
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`)
  return JSON.parse(text) as T
}

/** The member a page (the session's own by default) is signed in as. */
export async function currentMember(session: BrowserSession, page: Page = session.page): Promise<{ token: string; memberNo: string }> {
  const token = await sessionToken(page)
  const { memberNo } = await callApi<{ memberNo: string }>(session, { token }, 'GET', '/api/members/me')
  return { token, memberNo }
}

/** The operations team grants the browser's member points. */
export async function grantPoints(session: BrowserSession, points: number) {
  const { memberNo } = await currentMember(session)
  await callApi(session, 'operator', 'POST', '/api/admin/points/adjustments', { memberNo, points, reason: '活动赠送' })
}
