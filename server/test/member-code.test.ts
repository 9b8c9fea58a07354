import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { issueMemberCode, MEMBER_CODE_GRACE_SECONDS, MEMBER_CODE_WINDOW_SECONDS } from '../src/modules/members/member-code'
import { assertApiError, bearer, SECOND, snapshot, startTestApp, type TestApp } from './helpers'

const CASHIER_KEY = 'dev-cashier-key'

describe('member code shown at the till', () => {
  let t: TestApp
  let token: string
  let memberNo: string
  before(async () => {
    t = await startTestApp()
    token = await t.login()
    const joined = await t.join(token, { storeCode: 'SH001', staffCode: 'E07' })
    assert.equal(joined.statusCode, 200, joined.body)
    memberNo = joined.json().card.memberNo
  })
  after(() => t.close())

  const getCode = async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/members/me/code', headers: bearer(token) })
    assert.equal(response.statusCode, 200, response.body)
    return response.json() as { code: string; expiresAt: string; refreshInSeconds: number }
  }
  const verify = (code: unknown, key: string | null = CASHIER_KEY) =>
    t.app.inject({
      method: 'POST',
      url: '/api/cashier/member-code/verify',
      headers: key === null ? {} : { 'x-cashier-key': key },
      payload: { code }
    })

  test('the dev cashier key is the configured default', () => {
    assert.equal(t.config.cashierKey, CASHIER_KEY)
  })

  test('a fresh code verifies inside its window and names the member, tier and balance', async () => {
    const windowMs = MEMBER_CODE_WINDOW_SECONDS * SECOND
    const start = Math.floor(t.clock.now().getTime() / windowMs) * windowMs
    t.clock.set(start + 15 * SECOND)
    const issued = await getCode()
    assert.equal(issued.expiresAt, new Date(start + windowMs).toISOString())
    assert.equal(issued.refreshInSeconds, MEMBER_CODE_WINDOW_SECONDS - 15)
    assert.ok(!issued.code.includes(token))

    t.clock.advance(30 * SECOND)
    const response = await verify(issued.code)
    assert.equal(response.statusCode, 200, response.body)
    assert.deepEqual(response.json(), {
      memberNo,
      tier: { code: 'normal', name: '普通会员', rank: 0, growthThreshold: 0 },
      points: { balance: 100 },
      validUntil: new Date(start + windowMs + MEMBER_CODE_GRACE_SECONDS * SECOND).toISOString()
    })
  })

  test('a code just past its window is still accepted during the grace period, then expires', async () => {
    const windowMs = MEMBER_CODE_WINDOW_SECONDS * SECOND
    t.clock.advance(windowMs)
    const issued = await getCode()
    const end = new Date(issued.expiresAt).getTime()

    t.clock.set(end + (MEMBER_CODE_GRACE_SECONDS - 1) * SECOND)
    const late = await verify(issued.code)
    assert.equal(late.statusCode, 200, late.body)
    // The code of the new window differs.
    assert.notEqual((await getCode()).code, issued.code)

    t.clock.set(end + MEMBER_CODE_GRACE_SECONDS * SECOND)
    assertApiError(await verify(issued.code), 'MEMBER_CODE_EXPIRED')
    t.clock.advance(3600 * SECOND)
    assertApiError(await verify(issued.code), 'MEMBER_CODE_EXPIRED', 'an hour later')
    // A new code works again.
    assert.equal((await verify((await getCode()).code)).statusCode, 200)
  })

  test('a tampered or made-up code is invalid', async () => {
    const { code } = await getCode()
    const [no, window, signature] = code.slice(1).split('.')
    const flip = (c: string) => (c === '0' ? '1' : '0')
    const tampered = [
      `${code.slice(0, -1)}${flip(code.slice(-1))}`,
      `M${no}.${window}.${flip(signature[0])}${signature.slice(1)}`,
      `M${Number(no) + 1}.${window}.${signature}`,
      `M${no}.${Number(window) - 1}.${signature}`,
      `M${no}.${window}.${signature.slice(0, 15)}g`,
      `M${no}.${window}`,
      code.slice(1),
      `${code} `,
      'hello',
      'M1.1.0000000000000000'
    ]
    for (const bad of tampered) assertApiError(await verify(bad), 'MEMBER_CODE_INVALID', bad)
  })

  test('a validly signed code from a future window is refused', async () => {
    // Issued "later" on another clock: move forward, take a code, come back.
    const now = t.clock.now().getTime()
    t.clock.advance(5 * MEMBER_CODE_WINDOW_SECONDS * SECOND)
    const future = await getCode()
    t.clock.set(now)
    assertApiError(await verify(future.code), 'MEMBER_CODE_INVALID')
  })

  test('a code signed with another secret, or for a member number that does not exist, is invalid', async () => {
    const now = t.clock.now()
    assertApiError(await verify(issueMemberCode('another-secret', memberNo, now).code), 'MEMBER_CODE_INVALID', 'other secret')
    const ghost = issueMemberCode(t.config.memberCodeSecret, '999999999999', now).code
    assertApiError(await verify(ghost), 'MEMBER_CODE_INVALID', 'no such member')
    // The same helper with the server's secret and a real member number is accepted (the two cases above differ only in that).
    assert.equal((await verify(issueMemberCode(t.config.memberCodeSecret, memberNo, now).code)).statusCode, 200)
  })

  test('the cashier key is required: missing or wrong → 403, whatever the body', async () => {
    const { code } = await getCode()
    const before = await snapshot(t.db)
    assertApiError(await verify(code, null), 'CASHIER_KEY_INVALID', 'missing')
    assertApiError(await verify(code, ''), 'CASHIER_KEY_INVALID', 'empty')
    assertApiError(await verify(code, 'dev-cashier-kez'), 'CASHIER_KEY_INVALID', 'wrong, same length')
    assertApiError(await verify(code, 'dev-cashier-key-2'), 'CASHIER_KEY_INVALID', 'wrong, longer')
    assertApiError(await verify(code, 'DEV-CASHIER-KEY'), 'CASHIER_KEY_INVALID', 'case matters')
    // A member's session token is not a cashier key.
    const asMember = await t.app.inject({
      method: 'POST',
      url: '/api/cashier/member-code/verify',
      headers: bearer(token),
      payload: { code }
    })
    assertApiError(asMember, 'CASHIER_KEY_INVALID', 'member token')
    // Checked before the body: an unauthorised caller learns nothing about its shape.
    assertApiError(await verify(12, 'nope'), 'CASHIER_KEY_INVALID', 'bad body, bad key')
    assert.deepEqual(await snapshot(t.db), before)
  })

  test('bad verify bodies are validation errors', async () => {
    assertApiError(await verify(''), 'VALIDATION_FAILED', 'empty')
    assertApiError(await verify('M'.repeat(65)), 'VALIDATION_FAILED', 'too long')
    assertApiError(await verify(12345678), 'VALIDATION_FAILED', 'number')
    const extra = await t.app.inject({
      method: 'POST',
      url: '/api/cashier/member-code/verify',
      headers: { 'x-cashier-key': CASHIER_KEY },
      payload: { code: (await getCode()).code, memberNo }
    })
    assertApiError(extra, 'VALIDATION_FAILED', 'unknown field')
  })

  test('a configured cashier key replaces the default', async () => {
    const other = await startTestApp({ env: { CASHIER_KEY: 'till-key-for-tests' }, db: t.db })
    try {
      const otherToken = await other.login()
      await other.join(otherToken, { storeCode: 'SH001' })
      const { code } = (
        await other.app.inject({ method: 'GET', url: '/api/members/me/code', headers: bearer(otherToken) })
      ).json()
      const call = (key: string) =>
        other.app.inject({ method: 'POST', url: '/api/cashier/member-code/verify', headers: { 'x-cashier-key': key }, payload: { code } })
      assertApiError(await call(CASHIER_KEY), 'CASHIER_KEY_INVALID')
      assert.equal((await call('till-key-for-tests')).statusCode, 200)
    } finally {
      await other.close()
    }
  })
})
