import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadConfig } from '../src/config'
import { createWechatAdapter, httpWechatAdapter } from '../src/wechat'
import { assertApiError, bearer, snapshot, startTestApp, userIdOf, type TestApp } from './helpers'

const APP_ID = 'wx0123456789abcdef'
const APP_SECRET = 'fake-app-secret-for-tests'

interface SeenRequest {
  method: string
  path: string
  query: Record<string, string>
}

/**
 * A stand-in for api.weixin.qq.com. The js_code picks the answer:
 *   ok-<person>-<n>  a session for openid o_<person> (a new session_key each time)
 *   e<errcode>-…     WeChat's error answer with that errcode
 *   http500-…        an HTTP 500;  html-…  a non-JSON page;  noopenid-…  200 without openid
 */
function startFakeWechat() {
  const seen: SeenRequest[] = []
  const sessionKeys: string[] = []
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const query = Object.fromEntries(url.searchParams)
    seen.push({ method: req.method ?? '', path: url.pathname, query })
    const send = (status: number, body: string, type = 'application/json') => {
      // WeChat answers JSON with a text/plain content type; the adapter must not depend on it.
      res.writeHead(status, { 'content-type': type })
      res.end(body)
    }
    if (url.pathname !== '/sns/jscode2session' || req.method !== 'GET') return send(404, '{"errcode":404}')
    if (query.appid !== APP_ID || query.secret !== APP_SECRET) return send(200, '{"errcode":40125,"errmsg":"invalid appsecret"}')
    const code = query.js_code ?? ''
    const ok = /^ok-([a-z0-9]+)-/.exec(code)
    if (ok) {
      const sessionKey = randomBytes(16).toString('base64')
      sessionKeys.push(sessionKey)
      return send(200, JSON.stringify({ openid: `o_${ok[1]}`, session_key: sessionKey, unionid: `u_${ok[1]}` }), 'text/plain')
    }
    const err = /^e(-?\d+)-/.exec(code)
    if (err) return send(200, JSON.stringify({ errcode: Number(err[1]), errmsg: 'fake error' }), 'text/plain')
    if (code.startsWith('http500-')) return send(500, 'Internal Server Error', 'text/plain')
    if (code.startsWith('html-')) return send(200, '<html>busy</html>', 'text/html')
    if (code.startsWith('noopenid-')) return send(200, '{"session_key":"abc"}')
    return send(200, '{"errcode":40029,"errmsg":"invalid code"}')
  })
  return new Promise<{ base: string; seen: SeenRequest[]; sessionKeys: string[]; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        base: `http://127.0.0.1:${port}`,
        seen,
        sessionKeys,
        close: () => new Promise<void>((done) => server.close(() => done()))
      })
    })
  })
}

describe('login through the real WeChat HTTP adapter (against a local fake)', () => {
  let fake: Awaited<ReturnType<typeof startFakeWechat>>
  let t: TestApp
  before(async () => {
    fake = await startFakeWechat()
    t = await startTestApp({
      env: { WX_APPID: APP_ID, WX_SECRET: APP_SECRET, WX_API_BASE: fake.base },
      // The same wiring as main.ts: credentials configured → the HTTP adapter.
      wechat: (config) => createWechatAdapter(config)
    })
  })
  after(async () => {
    await t.close()
    await fake.close()
  })

  const person = () => randomUUID().replace(/-/g, '').slice(0, 12)
  const login = (code: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { code } })
  const userRow = async (token: string) => {
    const { rows } = await t.db.query<{ openid: string; unionid: string | null; session_key: string }>(
      'SELECT openid, unionid, session_key FROM users WHERE id = $1',
      [userIdOf(token)]
    )
    return rows[0]
  }

  test('configured credentials select the HTTP adapter', () => {
    assert.equal(createWechatAdapter(t.config).kind, 'http')
    assert.equal(createWechatAdapter(loadConfig({ NODE_ENV: 'test' })).kind, 'dev')
  })

  test('a good code logs in as the openid WeChat names; appid, secret and code go as query parameters', async () => {
    const who = person()
    const code = `ok-${who}-1`
    const before = fake.seen.length
    const response = await login(code)
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.json().isMember, false)

    assert.equal(fake.seen.length, before + 1, 'one call to code2Session')
    const call = fake.seen[fake.seen.length - 1]
    assert.equal(call.method, 'GET')
    assert.equal(call.path, '/sns/jscode2session')
    assert.deepEqual(call.query, { appid: APP_ID, secret: APP_SECRET, js_code: code, grant_type: 'authorization_code' })

    const user = await userRow(response.json().token)
    assert.equal(user.openid, `o_${who}`)
    assert.equal(user.unionid, `u_${who}`)
    assert.equal(user.session_key, fake.sessionKeys[fake.sessionKeys.length - 1], 'session_key kept on the server')
  })

  test('the same WeChat user with a new code is the same person, and the newest session_key is kept', async () => {
    const who = person()
    const first = (await login(`ok-${who}-1`)).json().token
    const joined = await t.join(first, { storeCode: 'SH001' })
    assert.equal(joined.statusCode, 200, joined.body)
    const second = await login(`ok-${who}-2`)
    assert.equal(second.statusCode, 200)
    assert.equal(userIdOf(second.json().token), userIdOf(first))
    assert.equal(second.json().isMember, true)
    assert.equal((await userRow(first)).session_key, fake.sessionKeys[fake.sessionKeys.length - 1])
  })

  test('session_key is in no response', async () => {
    const who = person()
    const responses = [await login(`ok-${who}-1`)]
    const token = responses[0].json().token
    responses.push(await t.join(token, { storeCode: 'SH002' }))
    responses.push(await t.app.inject({ method: 'GET', url: '/api/members/me', headers: bearer(token) }))
    responses.push(await login(`ok-${who}-2`))
    const keys = fake.sessionKeys.slice(-2)
    for (const response of responses) {
      assert.equal(response.statusCode, 200, response.body)
      for (const key of keys) assert.ok(!response.body.includes(key), `session_key leaked: ${response.body}`)
      assert.ok(!/session_?key/i.test(response.body))
    }
  })

  test('a code WeChat rejects → 400 LOGIN_CODE_INVALID, and nobody is created', async () => {
    const before = await snapshot(t.db)
    for (const errcode of [40029, 40163, 40226]) {
      assertApiError(await login(`e${errcode}-${person()}`), 'LOGIN_CODE_INVALID', String(errcode))
    }
    assert.deepEqual(await snapshot(t.db), before)
  })

  test('WeChat busy or broken → 502 WECHAT_UNAVAILABLE, and nobody is created', async () => {
    const before = await snapshot(t.db)
    assertApiError(await login(`e-1-${person()}`), 'WECHAT_UNAVAILABLE', 'errcode -1 (system busy)')
    assertApiError(await login(`e45011-${person()}`), 'WECHAT_UNAVAILABLE', 'errcode 45011 (rate limited)')
    // A wrong appid is our configuration, not the person's code: they can do nothing about it.
    assertApiError(await login(`e40013-${person()}`), 'WECHAT_UNAVAILABLE', 'errcode 40013 (invalid appid)')
    assertApiError(await login(`http500-${person()}`), 'WECHAT_UNAVAILABLE', 'HTTP 500')
    assertApiError(await login(`html-${person()}`), 'WECHAT_UNAVAILABLE', 'not JSON')
    assertApiError(await login(`noopenid-${person()}`), 'WECHAT_UNAVAILABLE', 'no openid')
    assert.deepEqual(await snapshot(t.db), before)
  })

  test('wrong app credentials are a server problem, not the user’s code', async () => {
    const misconfigured = await startTestApp({
      db: t.db,
      wechat: httpWechatAdapter({ appId: APP_ID, secret: 'not-the-secret', apiBase: fake.base })
    })
    try {
      const response = await misconfigured.app.inject({ method: 'POST', url: '/api/auth/login', payload: { code: `ok-${person()}-1` } })
      assertApiError(response, 'WECHAT_UNAVAILABLE')
    } finally {
      await misconfigured.close()
    }
  })

  test('WeChat unreachable → 502 WECHAT_UNAVAILABLE', async () => {
    // A port that was just listening and is now closed.
    const gone = await startFakeWechat()
    await gone.close()
    const down = await startTestApp({ db: t.db, wechat: httpWechatAdapter({ appId: APP_ID, secret: APP_SECRET, apiBase: gone.base }) })
    try {
      const before = await snapshot(t.db)
      const response = await down.app.inject({ method: 'POST', url: '/api/auth/login', payload: { code: `ok-${person()}-1` } })
      assertApiError(response, 'WECHAT_UNAVAILABLE')
      assert.equal(gone.seen.length, 0)
      assert.deepEqual(await snapshot(t.db), before)
    } finally {
      await down.close()
    }
  })
})
