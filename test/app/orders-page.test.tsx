import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { Order } from '../../types'
import { api } from '../../src/api'
import OrdersPage from '../../src/pages/orders'
import { backend, callsOf, order } from './shop-fixtures'

let mockParams: Record<string, string> = {}
const mockPageHooks: { reachBottom?: () => unknown; pullDownRefresh?: () => unknown } = {}
jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = {
    ...actual.default,
    showToast: jest.fn(async () => undefined),
    showModal: jest.fn(async () => ({ confirm: true, cancel: false })),
    stopPullDownRefresh: jest.fn(),
    requestPayment: jest.fn(),
    navigateTo: jest.fn(async () => undefined)
  }
  return {
    __esModule: true,
    ...actual,
    ...taro,
    default: taro,
    useRouter: () => ({ params: mockParams }),
    useDidShow: () => undefined,
    useReachBottom: (callback: () => unknown) => {
      mockPageHooks.reachBottom = callback
    },
    usePullDownRefresh: (callback: () => unknown) => {
      mockPageHooks.pullDownRefresh = callback
    }
  }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const taroMocks = ['showToast', 'showModal', 'stopPullDownRefresh', 'requestPayment', 'navigateTo'] as const
const mockTaro = Taro as unknown as Record<(typeof taroMocks)[number], jest.Mock>

const scarf = { skuId: 101, productName: '羊毛围巾', specText: '燕麦色', price: 3000, quantity: 2, refundedQuantity: 0 }
const gloves = { skuId: 102, productName: '皮手套', specText: 'M', price: 8000, quantity: 1, refundedQuantity: 0 }

const card = (orderNo: string) => within(screen.getByTestId(`order-${orderNo}`))

async function tap(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element)
  })
}

beforeEach(() => {
  ;(api as unknown as jest.Mock).mockReset()
  taroMocks.forEach((name) => mockTaro[name].mockClear())
  mockTaro.showModal.mockResolvedValue({ confirm: true, cancel: false })
  mockParams = {}
})

describe('我的订单', () => {
  it('shows each order with its status, items, coupon, points, amount paid, shipping and refunds', async () => {
    const shipped = order({
      orderNo: '2026031000000011',
      status: 'shipped',
      items: [{ ...scarf, refundedQuantity: 1 }, gloves],
      goodsAmount: 14000,
      couponName: '满100减10',
      couponDiscount: 1000,
      pointsUsed: 200,
      deductionFen: 2000,
      payAmount: 11000,
      shipping: { carrier: '顺丰速运', trackingNo: 'SF1234567890', shippedAt: '2026-03-11T02:00:00.000Z' },
      refunds: [
        {
          refundNo: 'R2026031100000001',
          status: 'processing',
          amount: 2357,
          pointsBack: 43,
          earnedBack: 23,
          items: [{ skuId: 101, quantity: 1 }],
          reason: '不想要了',
          createdAt: '2026-03-11T03:00:00.000Z'
        }
      ]
    })
    const unpaid = order({ orderNo: '2026031000000012', status: 'pending_payment' })
    backend({ 'GET /api/orders': () => ({ items: [shipped, unpaid], nextCursor: null }) })
    render(<OrdersPage />)
    await screen.findByTestId('order-2026031000000011')

    const s = card(shipped.orderNo)
    expect(s.getByTestId('order-status').textContent).toBe('待收货')
    expect(s.getByText('部分退款')).toBeTruthy()
    expect(s.getByText('（已退 1 件）')).toBeTruthy()
    expect(s.getByText('优惠券 满100减10')).toBeTruthy()
    expect(s.getByText('-¥10.00')).toBeTruthy()
    expect(s.getByText('积分抵扣 200 积分')).toBeTruthy()
    expect(s.getByTestId('order-pay').textContent).toBe('¥110.00')
    expect(s.getByTestId('order-shipping').textContent).toBe('顺丰速运 SF1234567890')
    const refund = within(s.getByTestId('refund-R2026031100000001'))
    expect(refund.getByText('退款中')).toBeTruthy()
    expect(refund.getByText('¥23.57，退回 43 积分')).toBeTruthy()
    expect(s.getByText('确认收货')).toBeTruthy()
    // Shipped: a refund is a 售后 request now, not the refund popup.
    expect(s.getByText('申请售后')).toBeTruthy()
    expect(s.queryByText('申请退款')).toBeNull()

    const u = card(unpaid.orderNo)
    expect(u.getByTestId('order-status').textContent).toBe('待付款')
    expect(u.getByText('去支付')).toBeTruthy()
    expect(u.getByText('取消订单')).toBeTruthy()
    expect(u.queryByText('申请退款')).toBeNull()
    expect(screen.getByText('没有更多了')).toBeTruthy()
  })

  it('opens the tab the link names', async () => {
    mockParams = { status: 'shipped' }
    backend({ 'GET /api/orders': () => ({ items: [], nextCursor: null }) })
    render(<OrdersPage />)
    expect(await screen.findByText('暂无订单')).toBeTruthy()
    expect(callsOf('GET /api/orders')).toEqual([{ query: { status: 'shipped' } }])
    expect(screen.getByTestId('orders-tab-shipped').getAttribute('aria-selected')).toBe('true')

    await tap(screen.getByTestId('orders-tab-aftersale'))
    expect(await screen.findByText('暂无售后订单')).toBeTruthy()
    expect(callsOf('GET /api/orders')[1]).toEqual({ query: { status: 'aftersale' } })
  })

  it('refunds only the items and quantities chosen, with the reason', async () => {
    const paid = order({ orderNo: '2026031000000021', status: 'paid', items: [scarf, gloves], goodsAmount: 14000, payAmount: 14000 })
    const refunded: Order = {
      ...paid,
      items: [{ ...scarf, refundedQuantity: 1 }, gloves],
      refunds: [
        { refundNo: 'R1', status: 'succeeded', amount: 3000, pointsBack: 0, earnedBack: 30, items: [{ skuId: 101, quantity: 1 }], reason: '商品有瑕疵', createdAt: '2026-03-11T03:00:00.000Z' }
      ]
    }
    backend({
      'GET /api/orders': () => ({ items: [paid], nextCursor: null }),
      'POST /api/orders/:orderNo/refund': () => refunded
    })
    render(<OrdersPage />)
    await screen.findByTestId(`order-${paid.orderNo}`)
    await tap(card(paid.orderNo).getByText('申请退款'))

    const form = within(screen.getByTestId('refund-form'))
    // Everything left is chosen at first.
    expect(within(form.getByTestId('refund-item-101')).getByTestId('refund-quantity').textContent).toBe('2')
    expect(within(form.getByTestId('refund-item-102')).getByTestId('refund-quantity').textContent).toBe('1')
    expect(form.getByText('请选择退款原因')).toBeTruthy()

    await tap(within(form.getByTestId('refund-item-101')).getByTestId('refund-minus'))
    await tap(within(form.getByTestId('refund-item-102')).getByText('✓'))
    await tap(form.getByText('商品有瑕疵'))
    await tap(form.getByText('提交退款'))

    await waitFor(() => expect(callsOf('POST /api/orders/:orderNo/refund')).toHaveLength(1))
    // Money goes back: asked once more, with the count.
    expect(mockTaro.showModal).toHaveBeenCalledWith({ title: '确认申请退款', content: '1 件商品的实付金额将原路退回，已用积分同时退回' })
    expect(callsOf('POST /api/orders/:orderNo/refund')[0]).toEqual({
      params: { orderNo: paid.orderNo },
      body: { items: [{ skuId: 101, quantity: 1 }], reason: '商品有瑕疵' }
    })
    await waitFor(() => expect(card(paid.orderNo).getByText('部分退款')).toBeTruthy())
    expect(card(paid.orderNo).getByText('（已退 1 件）')).toBeTruthy()
    expect(within(card(paid.orderNo).getByTestId('refund-R1')).getByText('已退款')).toBeTruthy()
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '退款申请已提交', icon: 'success' })
  })

  it('asks for everything left, without items, when all of it is chosen', async () => {
    const paid = order({ orderNo: '2026031000000022', status: 'paid', items: [{ ...scarf, refundedQuantity: 1 }, gloves] })
    backend({
      'GET /api/orders': () => ({ items: [paid], nextCursor: null }),
      'POST /api/orders/:orderNo/refund': () => ({ ...paid, status: 'refunded' })
    })
    render(<OrdersPage />)
    await screen.findByTestId(`order-${paid.orderNo}`)
    await tap(card(paid.orderNo).getByText('申请退款'))
    const form = within(screen.getByTestId('refund-form'))
    // One scarf was refunded already: one is left.
    expect(within(form.getByTestId('refund-item-101')).getByTestId('refund-quantity').textContent).toBe('1')
    await tap(within(form.getByTestId('refund-item-101')).getByTestId('refund-plus'))
    expect(within(form.getByTestId('refund-item-101')).getByTestId('refund-quantity').textContent).toBe('1')
    await tap(form.getByText('不想要了'))
    await tap(form.getByText('提交退款'))
    await waitFor(() => expect(callsOf('POST /api/orders/:orderNo/refund')).toEqual([{ params: { orderNo: paid.orderNo }, body: { reason: '不想要了' } }]))
    await waitFor(() => expect(card(paid.orderNo).getByTestId('order-status').textContent).toBe('已退款'))
    expect(card(paid.orderNo).queryByText('申请退款')).toBeNull()
  })

  it('confirms receipt after a confirmation, and the order moves on from 待收货', async () => {
    mockParams = { status: 'shipped' }
    const shipped = order({
      orderNo: '2026031000000031',
      status: 'shipped',
      shipping: { carrier: '中通快递', trackingNo: 'ZT001122', shippedAt: '2026-03-11T02:00:00.000Z' }
    })
    backend({
      'GET /api/orders': () => ({ items: [shipped], nextCursor: null }),
      'POST /api/orders/:orderNo/receive': () => ({ ...shipped, status: 'completed' })
    })
    render(<OrdersPage />)
    await screen.findByTestId(`order-${shipped.orderNo}`)

    mockTaro.showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    await tap(card(shipped.orderNo).getByText('确认收货'))
    expect(callsOf('POST /api/orders/:orderNo/receive')).toHaveLength(0)

    await tap(card(shipped.orderNo).getByText('确认收货'))
    expect(mockTaro.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '确认收货' }))
    await waitFor(() => expect(callsOf('POST /api/orders/:orderNo/receive')).toEqual([{ params: { orderNo: shipped.orderNo } }]))
    await waitFor(() => expect(screen.queryByTestId(`order-${shipped.orderNo}`)).toBeNull())
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '已确认收货', icon: 'success' })
  })

  it('pays an unpaid order with the same flow as checkout', async () => {
    const unpaid = order({ orderNo: '2026031000000041', status: 'pending_payment', payAmount: 5500 })
    backend({
      'GET /api/orders': () => ({ items: [unpaid], nextCursor: null }),
      'POST /api/orders/:orderNo/pay': () => ({ provider: 'dev', order: { ...unpaid, status: 'paid' }, pointsEarned: 55 })
    })
    render(<OrdersPage />)
    await screen.findByTestId(`order-${unpaid.orderNo}`)
    await tap(card(unpaid.orderNo).getByText('去支付'))
    expect(mockTaro.showModal).toHaveBeenCalledWith({ title: '确认支付', content: '支付 ¥55.00' })
    await waitFor(() => expect(card(unpaid.orderNo).getByTestId('order-status').textContent).toBe('待发货'))
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '支付成功', icon: 'success' })
  })

  it('sends a shipped or completed order to 申请售后, and a tap on the card to 订单详情', async () => {
    const shipped = order({ orderNo: '2026031000000061', status: 'shipped' })
    const completed = order({ orderNo: '2026031000000062', status: 'completed', items: [{ ...scarf, refundedQuantity: 2 }] })
    backend({ 'GET /api/orders': () => ({ items: [shipped, completed], nextCursor: null }) })
    render(<OrdersPage />)
    await screen.findByTestId(`order-${shipped.orderNo}`)

    await tap(card(shipped.orderNo).getByText('申请售后'))
    expect(mockTaro.navigateTo).toHaveBeenCalledWith({ url: `/pages/aftersale/apply?orderNo=${shipped.orderNo}` })
    expect(callsOf('POST /api/orders/:orderNo/refund')).toHaveLength(0)
    // Everything refunded already: nothing left to ask for.
    expect(card(completed.orderNo).queryByText('申请售后')).toBeNull()

    await tap(card(completed.orderNo).getByTestId('order-open'))
    expect(mockTaro.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/aftersale/order?orderNo=${completed.orderNo}` })
  })

  it('does not refund when the member declines the confirmation', async () => {
    const paid = order({ orderNo: '2026031000000071', status: 'paid' })
    backend({ 'GET /api/orders': () => ({ items: [paid], nextCursor: null }) })
    render(<OrdersPage />)
    await screen.findByTestId(`order-${paid.orderNo}`)
    await tap(card(paid.orderNo).getByText('申请退款'))
    const form = within(screen.getByTestId('refund-form'))
    await tap(form.getByText('不想要了'))
    mockTaro.showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    await tap(form.getByText('提交退款'))
    expect(mockTaro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认申请退款' }))
    expect(callsOf('POST /api/orders/:orderNo/refund')).toHaveLength(0)
    expect(screen.getByTestId('refund-form')).toBeTruthy()
  })

  it('loads the next page with the cursor at the bottom, once, and says 没有更多了 at the end', async () => {
    backend({
      'GET /api/orders': (input) =>
        input.query.cursor === 7
          ? { items: [order({ orderNo: '2026031000000052', status: 'cancelled' })], nextCursor: null }
          : { items: [order({ orderNo: '2026031000000051', status: 'completed' })], nextCursor: 7 }
    })
    render(<OrdersPage />)
    await screen.findByTestId('order-2026031000000051')
    expect(screen.getByText('上拉加载更多')).toBeTruthy()
    await act(async () => {
      void mockPageHooks.reachBottom!()
      void mockPageHooks.reachBottom!()
    })
    await screen.findByTestId('order-2026031000000052')
    expect(card('2026031000000052').getByTestId('order-status').textContent).toBe('已取消')
    expect(callsOf('GET /api/orders')).toEqual([{ query: {} }, { query: { cursor: 7 } }])
    expect(screen.getByText('没有更多了')).toBeTruthy()

    await act(async () => {
      await mockPageHooks.pullDownRefresh!()
    })
    expect(callsOf('GET /api/orders')).toHaveLength(3)
    expect(mockTaro.stopPullDownRefresh).toHaveBeenCalledTimes(1)
  })
})
