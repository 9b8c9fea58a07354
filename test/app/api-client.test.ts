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

/**
 * A server that keeps Idempotency-Keys as the real one does: a key seen before answers with its
 * first response (or IDEMPOTENCY_KEY_REUSED for other parameters), a refusal keeps no key.
 * `dropNext` loses the next response on the way back: the server did the work, the client hears
 * nothing (a timeout on a weak connection).
 */
function idempotentServer() {
  const byKey = new Map<string, { payload: string; response: HttpResponse }>()
  const orders: { orderNo: string; key: string }[] = []
  const keysSent: string[] = []
  let dropNext = 0
  let refuseNext: HttpResponse | null = null
  const transport = async (request: HttpRequest): Promise<HttpResponse> => {
    if (request.url === '/api/auth/login') return { status: 200, data: { token: 't', expiresAt: '2026-12-01T00:00:00Z', isMember: true } }
    const key = request.headers['idempotency-key']
    keysSent.push(key)
    const payload = `${request.method} ${request.url} ${JSON.stringify(request.body ?? null)}`
    const seen = byKey.get(key)
    let response: HttpResponse
    if (seen) {
      response = seen.payload === payload ? seen.response : { status: 422, data: { code: 'IDEMPOTENCY_KEY_REUSED', message: 'x' } }
    } else if (refuseNext) {
      response = refuseNext
      refuseNext = null
    } else {
      const orderNo = `2026031000000${String(orders.length + 1).padStart(3, '0')}`
      orders.push({ orderNo, key })
      response = { status: 200, data: { orderNo, status: 'pending_payment' } }
      byKey.set(key, { payload, response })
    }
    if (dropNext > 0) {
      dropNext -= 1
      throw new Error('request:fail timeout')
    }
    return response
  }
  let clock = Date.parse('2026-03-10T02:00:00Z')
  const client = createApiClient({
    transport,
    tokens: { get: () => 't', set: () => undefined, clear: () => undefined },
    obtainLoginCode: async () => 'c',
    now: () => clock
  })
  return {
    client,
    orders,
    keysSent,
    dropNext: (n = 1) => (dropNext = n),
    refuseNext: (response: HttpResponse) => (refuseNext = response),
    advance: (ms: number) => (clock += ms)
  }
}

const body = { items: [{ skuId: 101, quantity: 2 }], address: { name: '张三', phone: '13800138000', region: '上海市', detail: '南京西路 1266 号' } }

describe('an action: one Idempotency-Key per thing the member does', () => {
  it('retried after the first answer was lost, it sends the same key and gets the same order: one order, not two', async () => {
    const server = idempotentServer()
    const placeOrder = server.client.call.action('POST /api/orders')
    server.dropNext()
    await expect(placeOrder({ body })).rejects.toMatchObject({ code: 'NETWORK' })
    expect(server.orders).toHaveLength(1) // the server placed it; the member never heard

    const retried = await placeOrder({ body })
    expect(retried.orderNo).toBe(server.orders[0].orderNo)
    expect(server.orders).toHaveLength(1)
    expect(server.keysSent).toHaveLength(2)
    expect(server.keysSent[1]).toBe(server.keysSent[0])
    expect(server.keysSent[0]).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
  })

  it('keeps the key through several lost answers, and the same input in another key order is the same action', async () => {
    const server = idempotentServer()
    const placeOrder = server.client.call.action('POST /api/orders')
    server.dropNext(2)
    await expect(placeOrder({ body })).rejects.toMatchObject({ code: 'NETWORK' })
    await expect(placeOrder({ body: { address: body.address, items: body.items } })).rejects.toMatchObject({ code: 'NETWORK' })
    await placeOrder({ body })
    expect(new Set(server.keysSent).size).toBe(1)
    expect(server.orders).toHaveLength(1)
  })

  it('once an attempt succeeded, the next call is a new action with a new key: each draw is its own', async () => {
    const server = idempotentServer()
    const draw = server.client.call.action('POST /api/draw/activities/:code/draws')
    await draw({ params: { code: 'lucky-grid' } })
    await draw({ params: { code: 'lucky-grid' } })
    expect(server.keysSent[1]).not.toBe(server.keysSent[0])
    expect(server.orders).toHaveLength(2)
  })

  it('other input is another action; back to the input of the lost attempt, its key is used again', async () => {
    const server = idempotentServer()
    const placeOrder = server.client.call.action('POST /api/orders')
    server.dropNext()
    await expect(placeOrder({ body })).rejects.toMatchObject({ code: 'NETWORK' })
    const changed = await placeOrder({ body: { ...body, pointsToUse: 100 } })
    expect(server.keysSent[1]).not.toBe(server.keysSent[0])
    const back = await placeOrder({ body })
    expect(server.keysSent[2]).toBe(server.keysSent[0])
    expect(back.orderNo).toBe(server.orders[0].orderNo)
    expect(changed.orderNo).not.toBe(back.orderNo)
  })

  it('a refusal settles the attempt (new key next time); a 5xx, a gateway page or 仍在处理中 keep it', async () => {
    const server = idempotentServer()
    const placeOrder = server.client.call.action('POST /api/orders')
    server.refuseNext({ status: 422, data: { code: 'INSUFFICIENT_POINTS', message: 'x' } })
    await expect(placeOrder({ body })).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS', message: '积分不足' })
    await placeOrder({ body })
    expect(server.keysSent[1]).not.toBe(server.keysSent[0])

    for (const unknown of [
      { status: 500, data: { code: 'INTERNAL', message: 'x' } },
      { status: 504, data: '<html>gateway timeout</html>' },
      { status: 409, data: { code: 'IDEMPOTENCY_IN_PROGRESS', message: 'x' } }
    ]) {
      const before = server.keysSent.length
      server.refuseNext(unknown)
      await expect(placeOrder({ body: { ...body, pointsToUse: before } })).rejects.toBeInstanceOf(ApiError)
      await placeOrder({ body: { ...body, pointsToUse: before } })
      expect(server.keysSent[before + 1]).toBe(server.keysSent[before])
    }
  })

  it('two taps at once send one key, and the server answers both with one order', async () => {
    const server = idempotentServer()
    const placeOrder = server.client.call.action('POST /api/orders')
    const [a, b] = await Promise.all([placeOrder({ body }), placeOrder({ body })])
    expect(a.orderNo).toBe(b.orderNo)
    expect(server.keysSent[1]).toBe(server.keysSent[0])
    expect(server.orders).toHaveLength(1)
  })

  it('a lost attempt is retried under its key for ten minutes; later the same input is a new action', async () => {
    const server = idempotentServer()
    const draw = server.client.call.action('POST /api/draw/activities/:code/draws')
    server.dropNext()
    await expect(draw({ params: { code: 'lucky-grid' } })).rejects.toMatchObject({ code: 'NETWORK' })
    server.advance(9 * 60_000)
    server.dropNext()
    await expect(draw({ params: { code: 'lucky-grid' } })).rejects.toMatchObject({ code: 'NETWORK' })
    expect(server.keysSent[1]).toBe(server.keysSent[0])
    // Ten minutes from the last retry, not from the first attempt.
    server.advance(9 * 60_000)
    await draw({ params: { code: 'lucky-grid' } })
    expect(server.keysSent[2]).toBe(server.keysSent[0])

    server.dropNext()
    await expect(draw({ params: { code: 'lucky-grid' } })).rejects.toMatchObject({ code: 'NETWORK' })
    server.advance(11 * 60_000)
    await draw({ params: { code: 'lucky-grid' } })
    expect(server.keysSent[4]).not.toBe(server.keysSent[3])
  })

  it('reset() forgets a lost attempt; a plain call is an action of its own each time', async () => {
    const server = idempotentServer()
    const placeOrder = server.client.call.action('POST /api/orders')
    server.dropNext()
    await expect(placeOrder({ body })).rejects.toMatchObject({ code: 'NETWORK' })
    placeOrder.reset()
    await placeOrder({ body })
    expect(server.keysSent[1]).not.toBe(server.keysSent[0])

    server.dropNext()
    await expect(server.client.call('POST /api/orders', { body })).rejects.toMatchObject({ code: 'NETWORK' })
    await server.client.call('POST /api/orders', { body })
    expect(server.keysSent[3]).not.toBe(server.keysSent[2])
  })

  it('keeps its key through the login again after a 401', async () => {
    const backend = fakeBackend((_request, logins) =>
      logins === 0 ? { status: 401, data: { code: 'SESSION_EXPIRED', message: 'x' } } : { status: 200, data: { orderNo: '1', status: 'pending_payment' } }
    )
    backend.tokens.set('stale-token')
    await backend.client.call.action('POST /api/orders')({ body })
    const sent = backend.requests.filter((r) => r.url === '/api/orders')
    expect(sent).toHaveLength(2)
    expect(sent[1].headers['idempotency-key']).toBe(sent[0].headers['idempotency-key'])
  })
})
