import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { loadConfig, MIN_SECRET_BYTES, parseTrustProxy } from '../src/config'
import { assertApiError, newKey, startTestApp } from './helpers'
import { productionEnv } from './support/production-env'

const EVERY_PRODUCTION_SETTING = [
  'DATABASE_URL',
  'SESSION_SECRET',
  'MEMBER_CODE_SECRET',
  'WX_APPID',
  'WX_SECRET',
  'WXPAY_MCHID',
  'WXPAY_MERCHANT_SERIAL',
  'WXPAY_PRIVATE_KEY_FILE',
  'WXPAY_APIV3_KEY',
  'WXPAY_PUBLIC_KEY_ID',
  'WXPAY_PUBLIC_KEY_FILE',
  'WXPAY_NOTIFY_URL'
]

/** The message loadConfig refuses with (fails the test when it does not refuse). */
function refusal(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env)
  } catch (error) {
    return (error as Error).message
  }
  assert.fail(`expected loadConfig to refuse ${JSON.stringify(env)}`)
}

/** The settings a refusal names, one per "  - NAME …" line. */
const named = (message: string) => message.split('\n').filter((line) => line.startsWith('  - ')).map((line) => line.slice(4).split(' ')[0])

describe('production fails closed: only development and test run with the dev stand-ins', () => {
  test('development and test need nothing: dev WeChat, dev pay, dev keys, embedded PostgreSQL', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const config = loadConfig({ NODE_ENV })
      assert.equal(config.production, false, NODE_ENV)
      assert.equal(config.mode, NODE_ENV)
      assert.equal(config.wechat, null)
      assert.equal(config.wechatPay, null)
      assert.equal(config.databaseUrl, null)
      assert.equal(config.cashierKey, 'dev-cashier-key')
      assert.equal(config.operatorKey, 'dev-operator-key')
      assert.ok(config.devClock)
    }
  })

  test('unset, prod, staging, Production, dev…: production, and every missing setting is named in one message', () => {
    for (const NODE_ENV of [undefined, '', 'production', 'prod', 'staging', 'Production', 'dev', 'DEVELOPMENT', 'testing']) {
      const message = refusal(NODE_ENV === undefined ? {} : { NODE_ENV })
      assert.deepEqual(named(message), EVERY_PRODUCTION_SETTING, `${NODE_ENV}: ${message}`)
      assert.match(message, /only "development" and "test"/)
    }
  })

  test('everything set, each good enough: starts with no dev stand-in left', () => {
    const config = loadConfig(productionEnv())
    assert.equal(config.production, true)
    assert.equal(config.mode, 'production')
    assert.ok(config.wechat)
    assert.ok(config.wechatPay)
    assert.equal(config.cashierKey, null)
    assert.equal(config.operatorKey, null, 'no service key unless one is configured')
    assert.equal(config.devClock, null, 'the staging clock is not registered')
    assert.equal(config.trustProxy, false)
  })

  test('each production setting taken away on its own is named', () => {
    for (const name of EVERY_PRODUCTION_SETTING) {
      assert.deepEqual(named(refusal(productionEnv({ [name]: undefined }))), [name], name)
      assert.deepEqual(named(refusal(productionEnv({ [name]: '' }))), [name], `${name} empty`)
    }
  })

  test(`secrets: shorter than ${MIN_SECRET_BYTES} bytes, a dev value typed in, or one key for two uses are refused`, () => {
    for (const name of ['SESSION_SECRET', 'MEMBER_CODE_SECRET', 'OPERATOR_KEY']) {
      assert.match(refusal(productionEnv({ [name]: 'x' })), new RegExp(`${name} is shorter than 32 bytes`))
      assert.match(refusal(productionEnv({ [name]: 'y'.repeat(31) })), new RegExp(`${name} is shorter than 32 bytes`))
      for (const devValue of ['dev-only-secret-change-me', 'dev-only-secret-change-me-member-code', 'dev-operator-key', 'dev-cashier-key']) {
        assert.match(refusal(productionEnv({ [name]: devValue })), new RegExp(`${name} is a published development value`), `${name}=${devValue}`)
      }
      // Bytes, not characters: 11 Chinese characters are 33 bytes of UTF-8.
      assert.doesNotThrow(() => loadConfig(productionEnv({ [name]: '会员积分密钥不可外泄的字', ...(name === 'MEMBER_CODE_SECRET' && { SESSION_SECRET: 'z'.repeat(32) }) })), name)
    }
    assert.equal(loadConfig(productionEnv({ OPERATOR_KEY: 'o'.repeat(32) })).operatorKey, 'o'.repeat(32))
    assert.match(refusal(productionEnv({ MEMBER_CODE_SECRET: 's'.repeat(32) })), /MEMBER_CODE_SECRET must differ from SESSION_SECRET/)
  })

  test('CASHIER_KEY (one key for every till) is refused; so is a WeChat Pay key file that cannot be read', () => {
    assert.match(refusal(productionEnv({ CASHIER_KEY: 'a-shared-till-key-that-is-long-enough' })), /CASHIER_KEY is a development credential/)
    assert.deepEqual(named(refusal(productionEnv({ WXPAY_PRIVATE_KEY_FILE: '/nonexistent/apiclient_key.pem' }))), ['WXPAY_PRIVATE_KEY_FILE'])
  })

  test('several problems at once: all of them in the one message', () => {
    const message = refusal(productionEnv({ DATABASE_URL: undefined, SESSION_SECRET: 'short', WX_SECRET: undefined, OPERATOR_KEY: 'dev-operator-key', CASHIER_KEY: 'k', WXPAY_NOTIFY_URL: undefined }))
    assert.deepEqual(named(message), ['DATABASE_URL', 'SESSION_SECRET', 'WX_SECRET', 'WXPAY_NOTIFY_URL', 'CASHIER_KEY', 'OPERATOR_KEY'], message)
  })

  test('TRUST_PROXY: off by default; a number of hops or a list of addresses; "true" and nonsense refused', () => {
    assert.equal(parseTrustProxy(undefined), false)
    assert.equal(parseTrustProxy(''), false)
    assert.equal(parseTrustProxy('false'), false)
    assert.equal(parseTrustProxy('0'), false)
    assert.equal(parseTrustProxy('1'), 1)
    assert.equal(parseTrustProxy('2'), 2)
    assert.deepEqual(parseTrustProxy('10.0.0.0/8, 127.0.0.1,::1'), ['10.0.0.0/8', '127.0.0.1', '::1'])
    assert.deepEqual(parseTrustProxy('loopback'), ['loopback'])
    assert.throws(() => parseTrustProxy('true'), /TRUST_PROXY=true/)
    assert.throws(() => parseTrustProxy('the load balancer'), /TRUST_PROXY must be/)
    assert.deepEqual(named(refusal(productionEnv({ TRUST_PROXY: 'true' }))), ['TRUST_PROXY=true'])
    assert.throws(() => loadConfig({ NODE_ENV: 'development', TRUST_PROXY: 'yes please' }), /TRUST_PROXY must be/)
    assert.equal(loadConfig(productionEnv({ TRUST_PROXY: '1' })).trustProxy, 1)
  })

  test('a production app: no staging clock (404), the dev till and service keys do not authenticate', async () => {
    const t = await startTestApp({ env: productionEnv() })
    try {
      assert.equal(t.config.production, true)
      const headers = { 'x-operator-key': 'dev-operator-key', 'idempotency-key': newKey() }
      assertApiError(await t.app.inject({ method: 'GET', url: '/api/dev/clock', headers }), 'NOT_FOUND')
      assertApiError(await t.app.inject({ method: 'POST', url: '/api/dev/clock', headers, payload: { advanceDays: 7 } }), 'NOT_FOUND')
      assertApiError(await t.app.inject({ method: 'GET', url: '/api/admin/tills', headers }), 'OPERATOR_KEY_INVALID')
      const sale = await t.app.inject({
        method: 'POST',
        url: '/api/cashier/member-code/verify',
        headers: { 'x-cashier-key': 'dev-cashier-key' },
        payload: { code: '123456' }
      })
      assertApiError(sale, 'CASHIER_KEY_INVALID')
      const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> }
      assert.equal(doc.paths['/api/dev/clock'], undefined, 'not in the published document either')
    } finally {
      await t.close()
    }
  })
})
