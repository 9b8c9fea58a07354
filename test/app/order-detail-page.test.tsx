import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { Order } from '../../types'
import { api, ApiError } from '../../src/api'
import OrderDetailPage from '../../src/pages/aftersale/order'
import { forgetAftersaleRules, markWindowClosed } from '../../src/pages/orders/aftersale-window'
import { useCartStore } from '../../src/stores/cart'
import { aftersale, rules } from './aftersale-fixtures'
import { backend, callsOf, order } from './shop-fixtures'

let mockParams: Record<string, string> = {}
const mockPageHooks: { pullDownRefresh?: () => unknown } = {}
jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = {
    ...actual.default,
    showToast: jest.fn(async () => undefined),
    showModal: jest.fn(async () => ({ confirm: true, cancel: false })),
    stopPullDownRefresh: jest.fn(),
    navigateTo: jest.fn(async () => undefined),
    redirectTo: jest.fn(async () => undefined),
    switchTab: jest.fn(async () => undefined),
    setClipboardData: jest.fn(async () => undefined)
  }
  return {
    __esModule: true,
    ...actual,
    ...taro,
    default: taro,
    useRouter: () => ({ params: mockParams }),
    useDidShow: () => undefined,
    usePullDownRefresh: (callback: () => unknown) => {
      mockPageHooks.pullDownRefresh = callback
    }
  }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const taroMocks = ['showToast', 'showModal', 'stopPullDownRefresh', 'navigateTo', 'redirectTo', 'switchTab', 'setClipboardData'] as const
const mockTaro = Taro as unknown as Record<(typeof taroMocks)[number], jest.Mock>

const scarf = { skuId: 101, productName: '羊毛围巾', specText: '燕麦色', price: 3000, quantity: 2, refundedQuantity: 0 }
const gloves = { skuId: 102, productName: '皮手套', specText: 'M', price: 8000, quantity: 1, refundedQuantity: 0 }
const shipping = { carrier: '顺丰速运', trackingNo: 'SF1234567890', shippedAt: '2026-03-11T02:00:00.000Z' }

async function tap(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element)
  })
}

/** The page for one order, answered by a backend holding it (and its 售后 requests). */
function openOrder(shown: Order, extra: Record<string, (input: any) => unknown> = {}, aftersales = [] as ReturnType<typeof aftersale>[]) {
  mockParams = { orderNo: shown.orderNo }
  // The server's copy: an action's answer is what a later read finds.
  let current = shown
  const remembering = Object.fromEntries(
    Object.entries(extra).map(([route, handler]) => [
      route,
      async (input: any) => {
        const answer = (await handler(input)) as Order | { order?: Order }
        const changed = 'orderNo' in answer ? answer : answer.order
        if (route.startsWith('POST') && changed) current = changed as Order
        return answer
      }
    ])
  )
  backend({
    'GET /api/orders/:orderNo': () => current,
    'GET /api/orders/:orderNo/aftersales': () => ({ items: aftersales }),
    'GET /api/aftersales/rules': () => rules,
    ...remembering
  })
  render(<OrderDetailPage />)
  return screen.findByTestId('order-detail-status')
}

const actions = () => within(screen.getByTestId('order-detail-actions'))
const buttonLabels = () => Array.from(screen.getByTestId('order-detail-actions').querySelectorAll('.nut-button')).map((b) => b.textContent)

beforeEach(() => {
  ;(api as unknown as jest.Mock).mockReset()
  taroMocks.forEach((name) => mockTaro[name].mockClear())
  mockTaro.showModal.mockResolvedValue({ confirm: true, cancel: false })
  forgetAftersaleRules()
  Taro.clearStorageSync()
  useCartStore.setState({ lines: [] })
})

describe('订单详情', () => {
  it('shows the items, coupon, points used and earned, amounts, address, shipping, the order number once, the timeline and the 售后 entries', async () => {
    const shown = order({
      orderNo: '2026031000000101',
      status: 'completed',
      items: [{ ...scarf, refundedQuantity: 1 }, gloves],
      goodsAmount: 14000,
      couponName: '满100减10',
      couponDiscount: 1000,
      pointsUsed: 200,
      deductionFen: 2000,
      payAmount: 11000,
      pointsEarned: 110,
      paidAt: '2026-03-10T02:31:00.000Z',
      shipping,
      refunds: [
        { refundNo: 'R1', status: 'succeeded', amount: 2357, pointsBack: 43, earnedBack: 23, items: [{ skuId: 101, quantity: 1 }], reason: '质量问题', createdAt: '2026-03-13T03:00:00.000Z' }
      ]
    })
    const request = aftersale({
      aftersaleNo: 'AS2026031200000001',
      orderNo: shown.orderNo,
      status: 'refunded',
      kind: 'refund_only',
      refund: shown.refunds[0],
      timeline: [
        { status: 'pending', actor: 'member', note: '起球了', at: '2026-03-12T02:00:00.000Z' },
        { status: 'refunding', actor: 'yunying01', note: null, at: '2026-03-13T03:00:00.000Z' },
        { status: 'refunded', actor: 'system', note: null, at: '2026-03-13T03:00:05.000Z' }
      ]
    })
    await openOrder(shown, {}, [request])

    expect(screen.getByTestId('order-detail-status').textContent).toContain('已完成')
    expect(screen.getByText('张三 13800138000')).toBeTruthy()
    expect(screen.getByText('上海市 上海市 静安区 南京西路 1266 号')).toBeTruthy()

    const items = within(screen.getByTestId('order-detail-items'))
    expect(items.getByText('羊毛围巾')).toBeTruthy()
    expect(items.getByText('¥30.00')).toBeTruthy()
    expect(items.getByText('已退 1 件')).toBeTruthy()
    expect(items.getByText('¥80.00')).toBeTruthy()
    const amounts = within(screen.getByTestId('order-detail-amounts'))
    expect(amounts.getByText('¥140.00')).toBeTruthy()
    expect(amounts.getByText('优惠券 满100减10')).toBeTruthy()
    expect(amounts.getByText('-¥10.00')).toBeTruthy()
    expect(amounts.getByText('积分抵扣 200 积分')).toBeTruthy()
    expect(amounts.getByText('-¥20.00')).toBeTruthy()
    expect(amounts.getByTestId('order-detail-pay').textContent).toBe('¥110.00')
    expect(amounts.getByText('110 积分')).toBeTruthy()

    // The tracking number and the order number can be copied; the order number shows once.
    expect(screen.getByTestId('order-detail-tracking').textContent).toBe('SF1234567890')
    await tap(screen.getByTestId('order-detail-tracking-copy'))
    expect(mockTaro.setClipboardData).toHaveBeenLastCalledWith({ data: 'SF1234567890' })
    expect(screen.getAllByText(shown.orderNo)).toHaveLength(1)
    await tap(screen.getByTestId('order-detail-no-copy'))
    expect(mockTaro.setClipboardData).toHaveBeenLastCalledWith({ data: shown.orderNo })

    // Newest first: the refund, receipt (no time in the contract), shipping, payment, placing.
    const timeline = within(screen.getByTestId('order-detail-timeline'))
    expect(timeline.getAllByTestId('timeline-step').map((step) => step.querySelector('.timeline__title')?.textContent)).toEqual([
      '退款成功',
      '已确认收货',
      '商家已发货',
      '支付成功',
      '提交订单'
    ])
    expect(timeline.getByText('¥23.57，退回 43 积分')).toBeTruthy()
    expect(timeline.getByText('顺丰速运 SF1234567890')).toBeTruthy()
    expect(timeline.getByText('2026-03-10 10:30')).toBeTruthy()

    const entry = within(screen.getByTestId('aftersale-AS2026031200000001'))
    expect(entry.getByTestId('aftersale-status').textContent).toBe('已退款')
    expect(entry.getByText('仅退款')).toBeTruthy()
    expect(entry.getByText('退款成功，¥23.57 已原路退回')).toBeTruthy()
    expect(entry.getByText('起球了')).toBeTruthy()
    expect(entry.getByText('商家 · 2026-03-13 11:00')).toBeTruthy()
    await tap(entry.getByText('详情 ›'))
    expect(mockTaro.navigateTo).toHaveBeenCalledWith({ url: `/pages/aftersale/detail?orderNo=${shown.orderNo}&aftersaleNo=AS2026031200000001` })
  })

  it.each<[Order['status'], string[]]>([
    ['pending_payment', ['取消订单', '去支付']],
    ['paid', ['申请退款', '再次购买']],
    ['shipped', ['申请售后', '再次购买', '确认收货']],
    ['completed', ['申请售后', '再次购买']],
    ['cancelled', ['再次购买']],
    ['refunded', ['再次购买']]
  ])('offers the actions of a %s order', async (status, labels) => {
    await openOrder(order({ orderNo: '2026031000000111', status, shipping: status === 'shipped' || status === 'completed' ? shipping : null }))
    expect(buttonLabels()).toEqual(labels)
  })

  it('offers no 申请售后 when open requests hold every item left, nor once the server said the window closed', async () => {
    const shown = order({ orderNo: '2026031000000121', status: 'completed', shipping })
    await openOrder(shown, {}, [aftersale({ aftersaleNo: 'AS2026031200000002', orderNo: shown.orderNo, status: 'pending', items: [{ ...scarf, quantity: 2 }] })])
    expect(buttonLabels()).toEqual(['再次购买'])
  })

  it('hides 申请售后 for an order whose window the server has refused', async () => {
    const shown = order({ orderNo: '2026031000000122', status: 'completed', shipping })
    markWindowClosed(shown.orderNo)
    await openOrder(shown)
    expect(buttonLabels()).toEqual(['再次购买'])
    expect(actions().getByText('已超过售后期限')).toBeTruthy()
  })

  it('goes to 申请售后 for a shipped order', async () => {
    const shown = order({ orderNo: '2026031000000123', status: 'shipped', shipping })
    await openOrder(shown)
    await tap(actions().getByText('申请售后'))
    expect(mockTaro.navigateTo).toHaveBeenCalledWith({ url: `/pages/aftersale/apply?orderNo=${shown.orderNo}` })
  })

  it('pays after a confirmation naming the amount, and shows the order paid', async () => {
    const unpaid = order({ orderNo: '2026031000000131', status: 'pending_payment', payAmount: 5500 })
    await openOrder(unpaid, { 'POST /api/orders/:orderNo/pay': () => ({ provider: 'dev', order: { ...unpaid, status: 'paid', paidAt: '2026-03-10T02:40:00.000Z' }, pointsEarned: 55 }) })
    await tap(actions().getByText('去支付'))
    expect(mockTaro.showModal).toHaveBeenCalledWith({ title: '确认支付', content: '支付 ¥55.00' })
    await waitFor(() => expect(screen.getByTestId('order-detail-status').textContent).toContain('待发货'))
    expect(callsOf('POST /api/orders/:orderNo/pay')).toEqual([{ params: { orderNo: unpaid.orderNo } }])
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '支付成功', icon: 'success' })
  })

  it('cancels only after the member confirms', async () => {
    const unpaid = order({ orderNo: '2026031000000132', status: 'pending_payment' })
    await openOrder(unpaid, { 'POST /api/orders/:orderNo/cancel': () => ({ ...unpaid, status: 'cancelled' }) })
    mockTaro.showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    await tap(actions().getByText('取消订单'))
    expect(callsOf('POST /api/orders/:orderNo/cancel')).toHaveLength(0)
    await tap(actions().getByText('取消订单'))
    await waitFor(() => expect(screen.getByTestId('order-detail-status').textContent).toContain('已取消'))
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '订单已取消', icon: 'success' })
    expect(buttonLabels()).toEqual(['再次购买'])
  })

  it('confirms receipt, keeping the buttons disabled while it is in flight', async () => {
    const shown = order({ orderNo: '2026031000000133', status: 'shipped', shipping })
    let answer: (value: Order) => void = () => undefined
    await openOrder(shown, { 'POST /api/orders/:orderNo/receive': () => new Promise<Order>((resolve) => (answer = resolve)) })
    await tap(actions().getByText('确认收货'))
    await waitFor(() => expect(callsOf('POST /api/orders/:orderNo/receive')).toHaveLength(1))
    for (const button of screen.getByTestId('order-detail-actions').querySelectorAll('.nut-button')) {
      expect(button.className).toContain('nut-button-disabled')
    }
    await tap(actions().getByText('确认收货'))
    expect(callsOf('POST /api/orders/:orderNo/receive')).toHaveLength(1)
    await act(async () => answer({ ...shown, status: 'completed' }))
    await waitFor(() => expect(screen.getByTestId('order-detail-status').textContent).toContain('已完成'))
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '已确认收货', icon: 'success' })
  })

  it('refunds an unshipped order through the refund popup, after a confirmation', async () => {
    const paid = order({ orderNo: '2026031000000141', status: 'paid', items: [scarf, gloves] })
    await openOrder(paid, { 'POST /api/orders/:orderNo/refund': () => ({ ...paid, status: 'refunded', items: [{ ...scarf, refundedQuantity: 2 }, { ...gloves, refundedQuantity: 1 }] }) })
    await tap(actions().getByText('申请退款'))
    const form = within(screen.getByTestId('refund-form'))
    await tap(form.getByText('不想要了'))
    await tap(form.getByText('提交退款'))
    expect(mockTaro.showModal).toHaveBeenCalledWith({ title: '确认申请退款', content: '3 件商品的实付金额将原路退回，已用积分同时退回' })
    await waitFor(() => expect(callsOf('POST /api/orders/:orderNo/refund')).toEqual([{ params: { orderNo: paid.orderNo }, body: { reason: '不想要了' } }]))
    await waitFor(() => expect(screen.getByTestId('order-detail-status').textContent).toContain('已退款'))
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '退款申请已提交', icon: 'success' })
  })

  it('再次购买 puts the items in the cart at today\'s price and opens the cart; what is sold out or off sale is said', async () => {
    const shown = order({
      orderNo: '2026031000000151',
      status: 'completed',
      shipping,
      items: [scarf, gloves, { skuId: 103, productName: '旧款帽子', specText: '灰', price: 5000, quantity: 1, refundedQuantity: 0 }]
    })
    const scarfProduct = {
      id: 11,
      categoryId: 1,
      name: '羊毛围巾',
      subtitle: '',
      cover: { from: '#eee', to: '#ccc' },
      price: 3200,
      soldOut: false,
      specs: [{ name: '颜色', values: ['燕麦色'] }],
      skus: [{ id: 101, specs: { 颜色: '燕麦色' }, price: 3200, stock: 5 }]
    }
    const glovesProduct = { ...scarfProduct, id: 12, name: '皮手套', specs: [{ name: '尺码', values: ['M'] }], skus: [{ id: 102, specs: { 尺码: 'M' }, price: 8000, stock: 0 }] }
    await openOrder(shown, {
      'GET /api/catalog/products': ({ query }) => ({
        items: [scarfProduct, glovesProduct].filter((p) => p.name.includes(query.q)).concat(query.q === '羊毛围巾' ? [{ ...scarfProduct, id: 13, name: '羊毛围巾套装' }] : []),
        nextCursor: null
      }),
      'GET /api/catalog/products/:id': ({ params }) => [scarfProduct, glovesProduct].find((p) => p.id === params.id)
    })
    await tap(actions().getByText('再次购买'))
    await waitFor(() => expect(mockTaro.switchTab).toHaveBeenCalledWith({ url: '/pages/cart/index' }))
    expect(useCartStore.getState().lines).toEqual([
      expect.objectContaining({ skuId: 101, productId: 11, name: '羊毛围巾', specText: '燕麦色', price: 3200, quantity: 2, selected: true })
    ])
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '2 件商品已售罄或下架，其余已加入购物车', icon: 'none' })
    // Only products of the same name are opened.
    expect(callsOf('GET /api/catalog/products/:id').map((input) => input.params.id).sort()).toEqual([11, 12])
  })

  it('says 订单不存在 without 重试 for an unknown order, and offers 重试 after a network error', async () => {
    mockParams = { orderNo: '2026031000000161' }
    backend({
      'GET /api/orders/:orderNo': () => {
        throw new ApiError('ORDER_NOT_FOUND', '订单不存在', 404)
      },
      'GET /api/orders/:orderNo/aftersales': () => ({ items: [] }),
      'GET /api/aftersales/rules': () => rules
    })
    const { unmount } = render(<OrderDetailPage />)
    expect(await screen.findByText('订单不存在')).toBeTruthy()
    expect(screen.queryByText('重试')).toBeNull()
    unmount()

    let fail = true
    const shown = order({ orderNo: '2026031000000162', status: 'paid' })
    mockParams = { orderNo: shown.orderNo }
    backend({
      'GET /api/orders/:orderNo': () => {
        if (fail) throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
        return shown
      },
      'GET /api/orders/:orderNo/aftersales': () => ({ items: [] }),
      'GET /api/aftersales/rules': () => rules
    })
    render(<OrderDetailPage />)
    expect(await screen.findByText('网络不给力，请检查网络后重试')).toBeTruthy()
    fail = false
    await tap(screen.getByText('重试'))
    expect(await screen.findByTestId('order-detail-status')).toBeTruthy()

    await act(async () => {
      await mockPageHooks.pullDownRefresh!()
    })
    expect(mockTaro.stopPullDownRefresh).toHaveBeenCalledTimes(1)
  })
})
