import { ApiError, createApiClient } from '../../src/api/client'
import type { HttpRequest, HttpResponse } from '../../src/api/transport'
import type { TokenStore } from '../../src/api/session'

/** A backend stand-in: answers by route, records what it was sent. */
function fakeBackend(answer: (request: HttpRequest, loginCount: number) => HttpResponse) {
  const requests: HttpRequest[] = []
  let logins = 0
  const transport = async (request: HttpRequest) => {
    requests.push(request)
    if (request.url === '/api/auth/login') {
      logins += 1
      return { status: 200, data: { token: `token-${logins}`, expiresAt: '2026-12-01T00:00:00Z', isMember: true } }
    }
    return answer(request, logins)
  }
  let stored: string | null = null
  const tokens: TokenStore = { get: () => stored, set: (t) => (stored = t), clear: () => (stored = null) }
  let codes = 0
  const client = createApiClient({ transport, tokens, obtainLoginCode: async () => `code-${++codes}` })
  return { client, requests, tokens, logins: () => logins }
}

const card = { memberNo: '10000001' }

describe('the typed API client', () => {
  it('logs in through wx.login before the first call and sends the token', async () => {
    const backend = fakeBackend(() => ({ status: 200, data: card }))
    await expect(backend.client.call('GET /api/members/me')).resolves.toEqual(card)
    expect(backend.logins()).toBe(1)
    const me = backend.requests.find((r) => r.url === '/api/members/me')
    expect(me?.headers.authorization).toBe('Bearer token-1')
  })

  it('on a 401 logs in again once and retries the call with the same Idempotency-Key', async () => {
    const backend = fakeBackend((_request, logins) =>
      logins === 0
        ? { status: 401, data: { code: 'SESSION_EXPIRED', message: 'expired' } }
        : { status: 200, data: { card, joinedNow: true, welcomePoints: 100 } }
    )
    backend.tokens.set('stale-token')
    const result = await backend.client.call('POST /api/members/join', { body: { storeCode: 'SH001' } })
    expect(result.joinedNow).toBe(true)
    const joins = backend.requests.filter((r) => r.url === '/api/members/join')
    expect(joins.map((r) => r.headers.authorization)).toEqual(['Bearer stale-token', 'Bearer token-1'])
    expect(joins[0].headers['idempotency-key']).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect(joins[1].headers['idempotency-key']).toBe(joins[0].headers['idempotency-key'])
  })

  it('retries only once: a second 401 reaches the page as an error', async () => {
    const backend = fakeBackend(() => ({ status: 401, data: { code: 'SESSION_INVALID', message: 'x' } }))
    await expect(backend.client.call('GET /api/members/me')).rejects.toMatchObject({ code: 'SESSION_INVALID', status: 401 })
    expect(backend.logins()).toBe(2)
  })

  it('runs one login for calls made at the same time', async () => {
    const backend = fakeBackend(() => ({ status: 200, data: card }))
    await Promise.all([
      backend.client.call('GET /api/members/me'),
      backend.client.call('GET /api/members/me/code'),
      backend.client.call('GET /api/stores')
    ])
    expect(backend.logins()).toBe(1)
  })

  it('fills path parameters and leaves out empty query values', async () => {
    const backend = fakeBackend(() => ({ status: 200, data: {} }))
    await backend.client.call('GET /api/stores/:code', { params: { code: 'SH001' }, query: { staff: 'E07' } })
    await backend.client.call('GET /api/stores/:code', { params: { code: 'SH002' }, query: {} })
    const urls = backend.requests.filter((r) => r.url.startsWith('/api/stores')).map((r) => r.url)
    expect(urls).toEqual(['/api/stores/SH001?staff=E07', '/api/stores/SH002'])
  })

  it('turns an error answer into a zh-CN message the page can show', async () => {
    const backend = fakeBackend(() => ({ status: 404, data: { code: 'STORE_NOT_FOUND', message: 'whatever' } }))
    const error = await backend.client.call('GET /api/stores/:code', { params: { code: 'XX01' }, query: {} }).catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'STORE_NOT_FOUND', status: 404, message: '门店不存在或已停止营业' })
  })

  it('reports a dropped connection as a network error, and an unknown answer as unexpected', async () => {
    const offline = createApiClient({
      transport: async () => {
        throw new Error('request:fail')
      },
      tokens: { get: () => 't', set: () => undefined, clear: () => undefined },
      obtainLoginCode: async () => 'c'
    })
    await expect(offline.call('GET /api/stores')).rejects.toMatchObject({ code: 'NETWORK', message: '网络不给力，请检查网络后重试' })

    const odd = fakeBackend(() => ({ status: 502, data: '<html>bad gateway</html>' }))
    await expect(odd.client.call('GET /api/stores')).rejects.toMatchObject({ code: 'UNEXPECTED_RESPONSE', status: 502 })
  })
})
