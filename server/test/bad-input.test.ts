import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createSigner } from 'fast-jwt'
import type { InjectOptions } from 'fastify'
import type { ApiErrorCode } from '../../types/errors'
import { assertApiError, bearer, DAY, newKey, SECOND, snapshot, startTestApp, userIdOf, type TestApp } from './helpers'

type Case = [what: string, request: InjectOptions, code: ApiErrorCode]

/**
 * Every refused request: the right 4xx, a stable code with its zh-CN message, never a 500, and
 * not one row of the database changed.
 */
async function expectRefused(t: TestApp, cases: Case[]) {
  const before = await snapshot(t.db)
  for (const [what, request, code] of cases) {
    const response = await t.app.inject(request)
    assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${what}: ${response.statusCode} ${response.body}`)
    assertApiError(response, code, what)
  }
  assert.deepEqual(await snapshot(t.db), before, 'a refused request changed the database')
}

const json = { 'content-type': 'application/json' }

describe('bad input on every route', () => {
  let t: TestApp
  let token: string
  let memberToken: string
  before(async () => {
    t = await startTestApp()
    token = await t.login()
    memberToken = await t.login()
    const joined = await t.join(memberToken, { storeCode: 'SH001' })
    assert.equal(joined.statusCode, 200, joined.body)
  })
  after(() => t.close())

  const join = (body: unknown, headers: Record<string, string> = {}): InjectOptions => ({
    method: 'POST',
    url: '/api/members/join',
    headers: { ...bearer(token), 'idempotency-key': newKey(), ...headers },
    payload: body as string
  })

  test('POST /api/members/join: bad storeCode / staffCode', async () => {
    await expectRefused(t, [
      ['a staffCode without its store (an online join has neither)', join({ staffCode: 'E07' }), 'VALIDATION_FAILED'],
      ['lowercase storeCode', join({ storeCode: 'sh001' }), 'VALIDATION_FAILED'],
      ['percent in storeCode', join({ storeCode: 'SH%01' }), 'VALIDATION_FAILED'],
      ['encoded storeCode', join({ storeCode: 'SH%30%30%31' }), 'VALIDATION_FAILED'],
      ['13-char storeCode', join({ storeCode: 'A'.repeat(13) }), 'VALIDATION_FAILED'],
      ['1-char storeCode', join({ storeCode: 'S' }), 'VALIDATION_FAILED'],
      ['empty storeCode', join({ storeCode: '' }), 'VALIDATION_FAILED'],
      ['storeCode with spaces', join({ storeCode: ' SH001 ' }), 'VALIDATION_FAILED'],
      ['full-width storeCode', join({ storeCode: 'ＳＨ００１' }), 'VALIDATION_FAILED'],
      ['storeCode as a number', join({ storeCode: 1001 }), 'VALIDATION_FAILED'],
      ['storeCode as an array', join({ storeCode: ['SH001'] }), 'VALIDATION_FAILED'],
      ['storeCode null', join({ storeCode: null }), 'VALIDATION_FAILED'],
      ['lowercase staffCode', join({ storeCode: 'SH001', staffCode: 'e07' }), 'VALIDATION_FAILED'],
      ['percent in staffCode', join({ storeCode: 'SH001', staffCode: 'E%07' }), 'VALIDATION_FAILED'],
      ['13-char staffCode', join({ storeCode: 'SH001', staffCode: 'E'.repeat(13) }), 'VALIDATION_FAILED'],
      ['empty staffCode', join({ storeCode: 'SH001', staffCode: '' }), 'VALIDATION_FAILED'],
      ['staffCode as a number', join({ storeCode: 'SH001', staffCode: 7 }), 'VALIDATION_FAILED'],
      ['staffCode null', join({ storeCode: 'SH001', staffCode: null }), 'VALIDATION_FAILED'],
      ['an unknown field', join({ storeCode: 'SH001', points: 99999 }), 'VALIDATION_FAILED'],
      ['a misspelt field', join({ storecode: 'SH001' }), 'VALIDATION_FAILED'],
      ['the scene instead of fields', join({ scene: 's=SH001&g=E07' }), 'VALIDATION_FAILED']
    ])
  })

  test('POST /api/members/join: the field that failed is named', async () => {
    const response = await t.app.inject(join({ storeCode: 'SH001', staffCode: 'e07' }))
    assert.equal(response.json().field, 'staffCode')
    const staffWithoutStore = await t.app.inject(join({ staffCode: 'E07' }))
    assert.equal(staffWithoutStore.json().field, 'storeCode')
  })

  test('POST /api/members/join: malformed bodies and wrong content types', async () => {
    await expectRefused(t, [
      ['truncated JSON', join('{"storeCode":', json), 'MALFORMED_REQUEST'],
      ['not JSON', join('storeCode=SH001', json), 'MALFORMED_REQUEST'],
      // wx.request sends the JSON content type even without data: empty means no body, which join requires.
      ['empty JSON body', join('', json), 'VALIDATION_FAILED'],
      ['prototype pollution', join('{"storeCode":"SH001","__proto__":{"admin":true}}', json), 'MALFORMED_REQUEST'],
      ['JSON null', join('null', json), 'VALIDATION_FAILED'],
      ['JSON array', join('[{"storeCode":"SH001"}]', json), 'VALIDATION_FAILED'],
      ['JSON string', join('"SH001"', json), 'VALIDATION_FAILED'],
      ['no body at all', { method: 'POST', url: '/api/members/join', headers: { ...bearer(token), 'idempotency-key': newKey() } }, 'VALIDATION_FAILED'],
      ['form-encoded', join('storeCode=SH001', { 'content-type': 'application/x-www-form-urlencoded' }), 'UNSUPPORTED_MEDIA_TYPE'],
      ['XML', join('<join><storeCode>SH001</storeCode></join>', { 'content-type': 'application/xml' }), 'UNSUPPORTED_MEDIA_TYPE'],
      ['multipart', join('--x\r\n\r\nSH001\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' }), 'UNSUPPORTED_MEDIA_TYPE'],
      // text/plain is read as text, which is not the JSON object the route expects.
      ['JSON sent as text/plain', join('{"storeCode":"SH001"}', { 'content-type': 'text/plain' }), 'VALIDATION_FAILED'],
      ['oversized body', join(JSON.stringify({ storeCode: 'SH001', pad: 'x'.repeat(70 * 1024) }), json), 'PAYLOAD_TOO_LARGE']
    ])
  })

  test('POST /api/members/join: the Idempotency-Key is required and must look like one', async () => {
    const withKey = (key?: string, as = token): InjectOptions => ({
      method: 'POST',
      url: '/api/members/join',
      headers: { ...bearer(as), ...(key !== undefined && { 'idempotency-key': key }) },
      payload: { storeCode: 'SH001' }
    })
    await expectRefused(t, [
      ['missing', withKey(), 'IDEMPOTENCY_KEY_REQUIRED'],
      ['empty', withKey(''), 'IDEMPOTENCY_KEY_REQUIRED'],
      ['too short', withKey('abc'), 'IDEMPOTENCY_KEY_REQUIRED'],
      ['too long', withKey('k'.repeat(65)), 'IDEMPOTENCY_KEY_REQUIRED'],
      ['odd characters', withKey('key with spaces!'), 'IDEMPOTENCY_KEY_REQUIRED']
    ])
    const ok = await t.app.inject(withKey('k'.repeat(64), await t.login()))
    assert.equal(ok.statusCode, 200, 'a 64-character key is fine')
    const short = await t.app.inject(withKey('k_-8char', await t.login()))
    assert.equal(short.statusCode, 200, 'an 8-character key is fine')
  })

  test('member routes: no token → 401 UNAUTHENTICATED, before anything else is looked at', async () => {
    const anonymous = (method: 'GET' | 'POST', url: string, payload?: unknown): InjectOptions => ({
      method,
      url,
      ...(payload !== undefined && { payload: payload as string })
    })
    await expectRefused(t, [
      ['join', anonymous('POST', '/api/members/join', { storeCode: 'SH001' }), 'UNAUTHENTICATED'],
      ['join, bad body, no key', anonymous('POST', '/api/members/join', { storeCode: 1 }), 'UNAUTHENTICATED'],
      ['me', anonymous('GET', '/api/members/me'), 'UNAUTHENTICATED'],
      ['me/code', anonymous('GET', '/api/members/me/code'), 'UNAUTHENTICATED']
    ])
  })

  test('member routes: a tampered or foreign token → 401 SESSION_INVALID', async () => {
    const [header, payload, signature] = memberToken.split('.')
    const otherUser = Buffer.from(JSON.stringify({ sub: String(userIdOf(token)), iat: 0, exp: 4102444800 })).toString('base64url')
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`
    const foreign = createSigner({ key: 'not-our-secret', expiresIn: DAY, clockTimestamp: t.clock.now().getTime() })({
      sub: String(userIdOf(memberToken))
    })
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`
    const noSubject = createSigner({ key: t.config.sessionSecret, expiresIn: DAY, clockTimestamp: t.clock.now().getTime() })({ role: 'member' })
    const badSubject = createSigner({ key: t.config.sessionSecret, expiresIn: DAY, clockTimestamp: t.clock.now().getTime() })({ sub: '-1' })
    const badTokens: [string, string][] = [
      ['signature changed', `Bearer ${header}.${payload}.${flipped}`],
      ['payload swapped for another user', `Bearer ${header}.${otherUser}.${signature}`],
      ['signed with another secret', `Bearer ${foreign}`],
      ['alg none', `Bearer ${none}`],
      ['no subject', `Bearer ${noSubject}`],
      ['negative subject', `Bearer ${badSubject}`],
      ['garbage', 'Bearer not.a.token'],
      ['truncated', `Bearer ${memberToken.slice(0, -10)}`],
      ['scheme only', 'Bearer'],
      ['basic auth', `Basic ${Buffer.from('user:pass').toString('base64')}`],
      ['token without scheme', memberToken]
    ]
    const routes: [string, 'GET' | 'POST', string][] = [
      ['me', 'GET', '/api/members/me'],
      ['me/code', 'GET', '/api/members/me/code'],
      ['join', 'POST', '/api/members/join']
    ]
    await expectRefused(
      t,
      badTokens.flatMap(([what, authorization]) =>
        routes.map(([route, method, url]): Case => [
          `${route}: ${what}`,
          {
            method,
            url,
            headers: { authorization, ...(method === 'POST' && { 'idempotency-key': newKey() }) },
            ...(method === 'POST' && { payload: { storeCode: 'SH002' } })
          },
          'SESSION_INVALID'
        ])
      )
    )
  })

  test('GET /api/members/me and /me/code for someone who has not joined → 404 NOT_A_MEMBER', async () => {
    await expectRefused(t, [
      ['me', { method: 'GET', url: '/api/members/me', headers: bearer(token) }, 'NOT_A_MEMBER'],
      ['me/code', { method: 'GET', url: '/api/members/me/code', headers: bearer(token) }, 'NOT_A_MEMBER']
    ])
  })

  test('POST /api/auth/login: bad codes and bodies', async () => {
    const login = (payload: unknown, headers: Record<string, string> = {}): InjectOptions => ({
      method: 'POST',
      url: '/api/auth/login',
      headers,
      payload: payload as string
    })
    await expectRefused(t, [
      ['missing code', login({}), 'VALIDATION_FAILED'],
      ['empty code', login({ code: '' }), 'VALIDATION_FAILED'],
      ['code as a number', login({ code: 42 }), 'VALIDATION_FAILED'],
      ['code with a space', login({ code: 'a b' }), 'VALIDATION_FAILED'],
      ['code with %', login({ code: 'a%b' }), 'VALIDATION_FAILED'],
      ['129-char code', login({ code: 'a'.repeat(129) }), 'VALIDATION_FAILED'],
      ['unknown field', login({ code: 'abcdef', openid: 'o_someone_else' }), 'VALIDATION_FAILED'],
      ['truncated JSON', login('{"code":"ab', json), 'MALFORMED_REQUEST'],
      ['empty JSON body', login('', json), 'VALIDATION_FAILED'],
      ['form-encoded', login('code=abcdef', { 'content-type': 'application/x-www-form-urlencoded' }), 'UNSUPPORTED_MEDIA_TYPE'],
      ['oversized', login(JSON.stringify({ code: 'a'.repeat(70 * 1024) }), json), 'PAYLOAD_TOO_LARGE']
    ])
  })

  test('GET /api/stores/:code: bad codes in the path and query', async () => {
    const get = (url: string): InjectOptions => ({ method: 'GET', url })
    await expectRefused(t, [
      ['lowercase', get('/api/stores/sh001'), 'VALIDATION_FAILED'],
      ['percent', get('/api/stores/%25'), 'VALIDATION_FAILED'],
      ['13 chars', get(`/api/stores/${'A'.repeat(13)}`), 'VALIDATION_FAILED'],
      ['200 chars', get(`/api/stores/${'A'.repeat(200)}`), 'VALIDATION_FAILED'],
      ['space', get('/api/stores/SH%20001'), 'VALIDATION_FAILED'],
      ['NUL', get('/api/stores/SH001%00'), 'VALIDATION_FAILED'],
      ['undecodable', get('/api/stores/%E0%A4%A'), 'MALFORMED_REQUEST'],
      ['lowercase staff', get('/api/stores/SH001?staff=e07'), 'VALIDATION_FAILED'],
      ['empty staff', get('/api/stores/SH001?staff='), 'VALIDATION_FAILED'],
      ['13-char staff', get(`/api/stores/SH001?staff=${'E'.repeat(13)}`), 'VALIDATION_FAILED'],
      ['undecodable staff', get('/api/stores/SH001?staff=%E0%A4%A'), 'VALIDATION_FAILED'],
      ['two staff', get('/api/stores/SH001?staff=E07&staff=E12'), 'VALIDATION_FAILED'],
      ['unknown query field', get('/api/stores/SH001?staff=E07&ref=abc'), 'VALIDATION_FAILED'],
      ['unknown store', get('/api/stores/ZZ999'), 'STORE_NOT_FOUND'],
      ['unknown staff', get('/api/stores/SH001?staff=E99'), 'STAFF_NOT_FOUND'],
      ["another store's staff", get('/api/stores/SH001?staff=E03'), 'STAFF_NOT_FOUND']
    ])
  })

  test('unknown routes and methods → 404 NOT_FOUND', async () => {
    await expectRefused(t, [
      ['unknown path', { method: 'GET', url: '/api/nothing-here' }, 'NOT_FOUND'],
      ['GET on a POST route', { method: 'GET', url: '/api/members/join', headers: bearer(token) }, 'NOT_FOUND'],
      ['DELETE on a GET route', { method: 'DELETE', url: '/api/members/me', headers: bearer(token) }, 'NOT_FOUND'],
      ['undecodable unknown path', { method: 'GET', url: '/api/members/%E0%A4%A' }, 'MALFORMED_REQUEST'],
      ['the root without the h5 build', { method: 'GET', url: '/' }, 'NOT_FOUND']
    ])
  })
  test('past the TTL every member route answers 401 SESSION_EXPIRED and writes nothing', async () => {
    const fresh = await t.login()
    const member = await t.login()
    assert.equal((await t.join(member, { storeCode: 'SH002' })).statusCode, 200)
    const now = t.clock.now()
    t.clock.advance(t.config.sessionTtlSeconds * SECOND + SECOND)
    try {
      const cases: Case[] = [fresh, member].flatMap((tok, i): Case[] => [
        [`${i}: me`, { method: 'GET', url: '/api/members/me', headers: bearer(tok) }, 'SESSION_EXPIRED'],
        [`${i}: me/code`, { method: 'GET', url: '/api/members/me/code', headers: bearer(tok) }, 'SESSION_EXPIRED'],
        [
          `${i}: join`,
          { method: 'POST', url: '/api/members/join', headers: { ...bearer(tok), 'idempotency-key': newKey() }, payload: { storeCode: 'SH001' } },
          'SESSION_EXPIRED'
        ],
        [
          `${i}: join with a bad body`,
          { method: 'POST', url: '/api/members/join', headers: bearer(tok), payload: { storeCode: 7 } },
          'SESSION_EXPIRED'
        ]
      ])
      await expectRefused(t, cases)
    } finally {
      t.clock.set(now)
    }
  })
})
