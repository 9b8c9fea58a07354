import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { assertApiError, bearer, DAY, SECOND, snapshot, startTestApp, uniqueCode, userIdOf, type TestApp } from './helpers'

describe('login', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp()
  })
  after(() => t.close())

  const login = (code: unknown) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { code } })

  test('a wx.login code gives a session token for a person who is not yet a member', async () => {
    const response = await login(uniqueCode())
    assert.equal(response.statusCode, 200, response.body)
    const body = response.json()
    assert.deepEqual(Object.keys(body).sort(), ['expiresAt', 'isMember', 'token'])
    assert.equal(typeof body.token, 'string')
    assert.ok(body.token.length > 20)
    assert.equal(body.isMember, false)
    // Valid for the configured TTL (7 days by default), from the business clock.
    assert.equal(body.expiresAt, new Date(t.clock.now().getTime() + 7 * DAY).toISOString())
    // The token opens member routes (the person is simply not a member yet).
    const me = await t.app.inject({ method: 'GET', url: '/api/members/me', headers: bearer(body.token) })
    assertApiError(me, 'NOT_A_MEMBER')
  })

  test('the same code again is the same person; another code is someone else', async () => {
    const code = uniqueCode()
    const first = await login(code)
    t.clock.advance(5 * SECOND)
    const second = await login(code)
    const other = await login(uniqueCode())
    assert.equal(userIdOf(first.json().token), userIdOf(second.json().token))
    assert.notEqual(userIdOf(first.json().token), userIdOf(other.json().token))
    const { rows } = await t.db.query<{ n: number; last: Date }>(
      'SELECT count(*) AS n, max(last_login_at) AS last FROM users WHERE id = $1',
      [userIdOf(first.json().token)]
    )
    assert.equal(rows[0].n, 1)
    assert.equal(new Date(rows[0].last).toISOString(), t.clock.now().toISOString())
  })

  test('the same person logging in 10 times at once is still one user', async () => {
    const code = uniqueCode()
    const responses = await Promise.all(Array.from({ length: 10 }, () => login(code)))
    for (const response of responses) assert.equal(response.statusCode, 200, response.body)
    const ids = new Set(responses.map((response) => userIdOf(response.json().token)))
    assert.equal(ids.size, 1)
    const { rows } = await t.db.query<{ openid: string }>('SELECT openid FROM users WHERE id = $1', [[...ids][0]])
    const { rows: same } = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM users WHERE openid = $1', [rows[0].openid])
    assert.equal(same[0].n, 1)
  })

  test('after joining, logging in again says isMember=true', async () => {
    const code = uniqueCode()
    const token = (await login(code)).json().token
    const joined = await t.join(token, { storeCode: 'SH001' })
    assert.equal(joined.statusCode, 200, joined.body)
    const again = await login(code)
    assert.equal(again.statusCode, 200)
    assert.equal(again.json().isMember, true)
    assert.equal(userIdOf(again.json().token), userIdOf(token))
  })

  test('session_key stays on the server: stored, but in no response', async () => {
    const code = uniqueCode()
    const loginResponse = await login(code)
    const token = loginResponse.json().token
    const userId = userIdOf(token)
    const { rows } = await t.db.query<{ session_key: string }>('SELECT session_key FROM users WHERE id = $1', [userId])
    const sessionKey = rows[0].session_key
    assert.ok(sessionKey && sessionKey.length >= 16, 'the session_key is kept for later decryption')

    const responses = [
      loginResponse,
      await t.join(token, { storeCode: 'SH001', staffCode: 'E07' }),
      await t.app.inject({ method: 'GET', url: '/api/members/me', headers: bearer(token) }),
      await t.app.inject({ method: 'GET', url: '/api/members/me/code', headers: bearer(token) })
    ]
    for (const response of responses) {
      assert.equal(response.statusCode, 200, response.body)
      assert.ok(!response.body.includes(sessionKey), `session_key leaked: ${response.body}`)
      assert.ok(!/session_?key/i.test(response.body), `session_key leaked: ${response.body}`)
      for (const value of Object.values(response.headers)) {
        assert.ok(!String(value).includes(sessionKey), 'session_key leaked in a header')
      }
    }
    // Nor inside the token itself.
    assert.ok(!Buffer.from(token.split('.')[1], 'base64url').toString().includes(sessionKey))
  })

  test('a code that is not a wx.login code is refused and creates nobody', async () => {
    const before = await snapshot(t.db)
    const bad: [string, unknown][] = [
      ['empty', ''],
      ['spaces', 'a b'],
      ['percent', 'abc%20'],
      ['too long', 'a'.repeat(129)],
      ['a number', 123456],
      ['null', null]
    ]
    for (const [what, code] of bad) assertApiError(await login(code), 'VALIDATION_FAILED', what)
    assertApiError(await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: {} }), 'VALIDATION_FAILED', 'missing')
    assertApiError(
      await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { code: uniqueCode(), openid: 'x' } }),
      'VALIDATION_FAILED',
      'unknown field'
    )
    assert.deepEqual(await snapshot(t.db), before)
  })

  test('a token expires after its TTL, by the business clock', async () => {
    const token = (await login(uniqueCode())).json().token
    const me = () => t.app.inject({ method: 'GET', url: '/api/members/me', headers: bearer(token) })
    t.clock.advance(7 * DAY - 60 * SECOND)
    assertApiError(await me(), 'NOT_A_MEMBER', 'still valid a minute before expiry')
    t.clock.advance(61 * SECOND)
    assertApiError(await me(), 'SESSION_EXPIRED')
    // A fresh login gives a working token again.
    const fresh = (await login(uniqueCode())).json().token
    assertApiError(await t.app.inject({ method: 'GET', url: '/api/members/me', headers: bearer(fresh) }), 'NOT_A_MEMBER')
  })
  test('the TTL comes from configuration', async () => {
    const short = await startTestApp({ env: { SESSION_TTL_SECONDS: '120' }, db: t.db, now: t.clock.now() })
    try {
      const response = await short.app.inject({ method: 'POST', url: '/api/auth/login', payload: { code: uniqueCode() } })
      const { token, expiresAt } = response.json()
      assert.equal(expiresAt, new Date(short.clock.now().getTime() + 120 * SECOND).toISOString())
      short.clock.advance(119 * SECOND)
      assertApiError(await short.app.inject({ method: 'GET', url: '/api/members/me', headers: bearer(token) }), 'NOT_A_MEMBER')
      short.clock.advance(2 * SECOND)
      assertApiError(await short.join(token, { storeCode: 'SH001' }), 'SESSION_EXPIRED')
    } finally {
      await short.close()
    }
  })
})
