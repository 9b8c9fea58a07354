// A member taps again after a timeout: the page, the real API client and its transport, against
// a server that keeps Idempotency-Keys as ours does. The first answer is lost on the way back
// (the server did the work); the retry must carry the same key and show what that work was.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { DrawResult, Order } from '../../types'
import CheckoutPage from '../../src/pages/checkout'
import DrawPage from '../../src/pages/draw'
import { useCartStore } from '../../src/stores/cart'
import { activity, drawResult } from './draw-fixtures'
import { order, wechatAddress } from './shop-fixtures'

const mockRequest = jest.fn()
const mockStorage = new Map<string, unknown>()

jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = {
    ...actual.default,
    request: (options: unknown) => mockRequest(options),
    getStorageSync: (key: string) => mockStorage.get(key) ?? '',
    setStorageSync: (key: string, value: unknown) => void mockStorage.set(key, value),
    removeStorageSync: (key: string) => void mockStorage.delete(key),
    login: jest.fn(async () => ({ code: 'wx-login-code' })),
    showToast: jest.fn(async () => undefined),
    showModal: jest.fn(async () => ({ confirm: true, cancel: false })),
    redirectTo: jest.fn(async () => undefined),
    navigateTo: jest.fn(async () => undefined),
    chooseAddress: jest.fn()
  }
  return { __esModule: true, ...actual, ...taro, default: taro, useRouter: () => ({ params: {} }), useShareAppMessage: () => undefined }
})

const taroMocks = ['showToast', 'showModal', 'redirectTo', 'chooseAddress'] as const
const mockTaro = Taro as unknown as Record<(typeof taroMocks)[number], jest.Mock>

interface Sent {
  route: string
  key: string | undefined
  body: unknown
}

/**
 * The backend behind Taro.request: answers by route, and for a POST with a key it has seen before
 * answers with that key's first response, as runIdempotent does. `loseNextAnswer(route)` makes
 * the next answer of that route vanish after the work is done: Taro.request fails with a timeout.
 */
function fakeServer(routes: Record<string, (body: any) => unknown>) {
  const sent: Sent[] = []
  const answered = new Map<string, unknown>()
  const losing = new Set<string>()
  const patterns = Object.keys(routes).map((route) => {
    const [method, template] = route.split(' ')
    return { route, method, regexp: new RegExp(`^${template.replace(/:[A-Za-z]+/g, '[^/]+')}$`) }
  })
  mockRequest.mockImplementation(async (options: { url: string; method: string; data?: unknown; header: Record<string, string> }) => {
    const path = options.url.replace(/^http:\/\/api\.test/, '').split('?')[0]
    const key = options.header['idempotency-key']
    if (path === '/api/auth/login') return { statusCode: 200, data: { token: 'token-1', expiresAt: '2030-12-01T00:00:00Z', isMember: true } }
    const match = patterns.find((p) => p.method === options.method && p.regexp.test(path))
    if (!match) throw new Error(`unexpected ${options.method} ${path}`)
    sent.push({ route: match.route, key, body: options.data })
    let data: unknown
    if (options.method !== 'GET' && key && answered.has(key)) {
      data = answered.get(key)
    } else {
      data = routes[match.route](options.data)
      if (options.method !== 'GET' && key) answered.set(key, data)
    }
    if (losing.delete(match.route)) throw { errMsg: 'request:fail timeout' }
    return { statusCode: 200, data }
  })
  return {
    sentTo: (route: string) => sent.filter((s) => s.route === route),
    loseNextAnswer: (route: string) => losing.add(route)
  }
}

async function tap(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element)
  })
}

beforeEach(() => {
  mockRequest.mockReset()
  mockStorage.clear()
  taroMocks.forEach((name) => mockTaro[name].mockReset())
  mockTaro.showModal.mockResolvedValue({ confirm: true, cancel: false })
})

describe('a retry after a lost answer', () => {
  afterEach(() => {
    process.env.TARO_ENV = 'h5'
  })

  it('on checkout carries the same key and goes on with the same order: one order, paid once', async () => {
    process.env.TARO_ENV = 'weapp'
    mockTaro.chooseAddress.mockResolvedValue(wechatAddress)
    useCartStore.setState({
      lines: [{ skuId: 101, productId: 1, name: '羊毛围巾', specText: '燕麦色', cover: { from: '#000', to: '#fff' }, price: 3000, quantity: 2, stock: 10, selected: true }]
    })
    const orders: Order[] = []
    const server = fakeServer({
      'POST /api/orders/preview': () => ({
        goodsAmount: 6000,
        coupons: [],
        couponId: null,
        couponDiscount: 0,
        points: { balance: 0, pointValueFen: 10, minPoints: 100, maxPoints: 0, maxDeductionFen: 0, selected: null },
        deductionFen: 0,
        payAmount: 6000,
        pointsToEarn: 60
      }),
      'POST /api/orders': () => {
        const placed = order({ orderNo: `20260310000000${String(orders.length + 1).padStart(2, '0')}`, status: 'pending_payment' })
        orders.push(placed)
        return placed
      },
      'POST /api/orders/:orderNo/pay': () => ({ provider: 'dev', order: { ...orders[0], status: 'paid' }, pointsEarned: 60 })
    })
    render(<CheckoutPage />)
    await screen.findByTestId('checkout-pay')
    await tap(screen.getByText('使用微信地址'))

    server.loseNextAnswer('POST /api/orders')
    await tap(screen.getByText('提交订单'))
    await waitFor(() => expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '网络不给力，请检查网络后重试', icon: 'none' }))
    expect(orders).toHaveLength(1) // placed, but the member was told the network failed
    expect(mockTaro.redirectTo).not.toHaveBeenCalled()

    await waitFor(() => expect(screen.getByText('提交订单').closest('.nut-button')!.classList.contains('nut-button-disabled')).toBe(false))
    await tap(screen.getByText('提交订单'))
    await waitFor(() => expect(mockTaro.redirectTo).toHaveBeenCalledWith({ url: '/pages/orders/index' }))

    const placements = server.sentTo('POST /api/orders')
    expect(placements).toHaveLength(2)
    expect(placements[1].key).toBe(placements[0].key)
    expect(placements[0].key).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect(orders).toHaveLength(1)
    // The payment is for the order the lost answer carried.
    expect(server.sentTo('POST /api/orders/:orderNo/pay')).toHaveLength(1)
    expect(mockRequest.mock.calls.some(([options]) => options.url === `http://api.test/api/orders/${orders[0].orderNo}/pay`)).toBe(true)
  })

  describe('on the draw page', () => {
    beforeEach(() => jest.useFakeTimers())
    afterEach(() => jest.useRealTimers())

    const elapse = (ms: number) =>
      act(async () => {
        await jest.advanceTimersByTimeAsync(ms)
      })

    it('shows the prize of the draw whose answer was lost instead of drawing again; the next tap is a new draw', async () => {
      const draws: DrawResult[] = []
      let me = {}
      const server = fakeServer({
        'GET /api/draw/activities/:code': () => activity(me),
        'POST /api/draw/activities/:code/draws': () => {
          const first = draws.length === 0
          const drawn = first
            ? drawResult(6, { drawNo: 'D2030010100000001', free: true, pointsSpent: 0, balance: 1700, freeDrawsLeftToday: 0, drawsLeftToday: 9 })
            : drawResult(2, { drawNo: 'D2030010100000002', balance: 1650, freeDrawsLeftToday: 0, drawsLeftToday: 8 })
          draws.push(drawn)
          me = { balance: drawn.balance, freeDrawsLeftToday: drawn.freeDrawsLeftToday, drawsLeftToday: drawn.drawsLeftToday }
          return drawn
        }
      })
      render(<DrawPage />)
      server.loseNextAnswer('POST /api/draw/activities/:code/draws')
      await tap(await screen.findByText('免费抽奖'))
      await elapse(1000)
      expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '网络不给力，请检查网络后重试', icon: 'none' })
      expect(draws).toHaveLength(1)
      expect(screen.queryByTestId('draw-result')).toBeNull()

      // The page reloaded: the free draw is gone, so the tap asks before spending points.
      await waitFor(() => expect(screen.getByTestId('draw-free-left').textContent).toBe('今日免费 0 次'))
      await tap(screen.getByTestId('draw-start'))
      await elapse(10_000)
      const result = within(screen.getByTestId('draw-result'))
      expect(result.getByText('获得 500 积分，已到账')).toBeTruthy()
      expect(result.getByText('本次为免费抽奖')).toBeTruthy()
      expect(draws).toHaveLength(1)
      const [lost, retried] = server.sentTo('POST /api/draw/activities/:code/draws')
      expect(retried.key).toBe(lost.key)

      await tap(result.getByText('知道了'))
      await tap(screen.getByTestId('draw-start'))
      await elapse(10_000)
      expect(draws).toHaveLength(2)
      const third = server.sentTo('POST /api/draw/activities/:code/draws')[2]
      expect(third.key).not.toBe(lost.key)
      expect(within(screen.getByTestId('draw-result')).getByText('谢谢参与，再接再厉')).toBeTruthy()
    })
  })
})
