import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { assertApiError, someAddress, startTestApp, type TestApp } from './helpers'
import { productionEnv } from './support/production-env'

const INLINE = 'window.__boot=1'

/** A stand-in h5 build: an index.html with an inline script, like Taro's. */
function fakeH5Build(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loyalty-mall-h5-'))
  writeFileSync(path.join(dir, 'index.html'), `<!doctype html><html><head><script>${INLINE}</script><script defer src="/js/app.js"></script></head><body></body></html>`)
  return dir
}

function directives(header: string | string[] | number | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const part of String(header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name) map.set(name, sources)
  }
  return map
}

describe('security headers and TRUST_PROXY', () => {
  let t: TestApp
  let h5Dir: string
  before(async () => {
    h5Dir = fakeH5Build()
    t = await startTestApp({ env: { H5_DIR: h5Dir } })
  })
  after(async () => {
    await t.close()
    rmSync(h5Dir, { recursive: true, force: true })
  })

  test('the API and the h5 page: CSP, no framing, nosniff, no referrer; no HSTS on a development server', async () => {
    for (const url of ['/health', '/api/catalog/categories', '/', '/no-such-page']) {
      const response = await t.app.inject({ method: 'GET', url })
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url)
      assert.equal(response.headers['x-frame-options'], 'DENY', url)
      assert.equal(response.headers['referrer-policy'], 'no-referrer', url)
      assert.equal(response.headers['strict-transport-security'], undefined, `${url}: http://127.0.0.1 must not pin itself to https`)
      const csp = directives(response.headers['content-security-policy'])
      assert.deepEqual(csp.get('default-src'), ["'self'"], url)
      assert.deepEqual(csp.get('frame-ancestors'), ["'none'"], url)
      assert.deepEqual(csp.get('object-src'), ["'none'"], url)
      assert.equal(csp.has('upgrade-insecure-requests'), false, url)
    }
  })

  test("inline scripts: only the h5 build's own, by hash; no 'unsafe-inline' or 'unsafe-eval' for scripts", async () => {
    const page = await t.app.inject({ method: 'GET', url: '/' })
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /window.__boot/)
    const scripts = directives(page.headers['content-security-policy']).get('script-src') ?? []
    const hash = `'sha256-${createHash('sha256').update(INLINE).digest('base64')}'`
    assert.deepEqual(scripts, ["'self'", hash])
    const csp = directives(page.headers['content-security-policy'])
    assert.deepEqual(csp.get('script-src-attr'), ["'none'"])
    assert.deepEqual(csp.get('img-src'), ["'self'", 'data:', 'blob:'], 'QR codes and posters are data: and blob: URLs')
    assert.deepEqual(csp.get('connect-src'), ["'self'"])
  })

  test('TRUST_PROXY unset: X-Forwarded-For is ignored, so a client cannot step around the per-address login limit', async () => {
    const from = someAddress()
    const login = (forwardedFor: string) =>
      t.app.inject({ method: 'POST', url: '/api/admin/auth/login', remoteAddress: from, headers: { 'x-forwarded-for': forwardedFor }, payload: { username: 'nobody', password: 'wrong-password' } })
    for (let i = 0; i < 10; i++) assertApiError(await login(`203.0.113.${i + 1}`), 'LOGIN_FAILED')
    assertApiError(await login('203.0.113.99'), 'RATE_LIMITED')
  })

  test('TRUST_PROXY=1 (one proxy in front): the address the proxy saw is the client; production adds HSTS', async () => {
    const behindProxy = await startTestApp({ db: t.db, env: { ...productionEnv(), TRUST_PROXY: '1', H5_DIR: h5Dir } })
    try {
      const proxy = someAddress()
      const login = (client: string) =>
        behindProxy.app.inject({ method: 'POST', url: '/api/admin/auth/login', remoteAddress: proxy, headers: { 'x-forwarded-for': client }, payload: { username: 'nobody', password: 'wrong-password' } })
      for (let i = 0; i < 10; i++) assertApiError(await login('198.51.100.7'), 'LOGIN_FAILED')
      const limited = await login('198.51.100.7')
      assertApiError(limited, 'RATE_LIMITED')
      assertApiError(await login('198.51.100.8'), 'LOGIN_FAILED')
      // Only the last hop is trusted: a client-supplied address further left changes nothing.
      assertApiError(await login('10.9.9.9, 198.51.100.7'), 'RATE_LIMITED')
      assert.match(String(limited.headers['strict-transport-security']), /max-age=15552000; includeSubDomains/)
      assert.ok(directives(limited.headers['content-security-policy']).has('upgrade-insecure-requests'))
    } finally {
      await behindProxy.close()
    }
  })
})
