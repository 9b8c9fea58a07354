import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { CheckoutPreview } from '../../types'
import { ApiError } from '../../src/api/client'
import { api } from '../../src/api'
import CheckoutPage from '../../src/pages/checkout'
import { useCartStore } from '../../src/stores/cart'
import { address, backend, callsOf, coupon, order, wechatAddress } from './shop-fixtures'

jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = {
    ...actual.default,
    showToast: jest.fn(async () => undefined),
    showModal: jest.fn(async () => ({ confirm: true, cancel: false })),
    redirectTo: jest.fn(async () => undefined),
    requestPayment: jest.fn(),
    chooseAddress: jest.fn()
  }
  return { __esModule: true, ...actual, ...taro, default: taro }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const taroMocks = ['showToast', 'showModal', 'redirectTo', 'requestPayment', 'chooseAddress'] as const
const mockTaro = Taro as unknown as Record<(typeof taroMocks)[number], jest.Mock>

const PRICE = 3000
const fiveOff = coupon({ id: 5, name: '满50减5', rule: { kind: 'amount', amountOff: 500, threshold: 5000 } })
const twentyOff = coupon({ id: 20, name: '满199减20', rule: { kind: 'amount', amountOff: 2000, threshold: 19900 } })
const BALANCE = 5000

/**
 * A server that prices like the real one: the best usable coupon unless told otherwise, a points cap
 * of half the amount after the coupon (1 point = 1 fen ×10), and POINTS_OVER_LIMIT above it.
 */
function fakePreview(body: { items: { skuId: number; quantity: number }[]; couponId?: number | null; pointsToUse?: number }): CheckoutPreview {
  const goodsAmount = body.items.reduce((sum, item) => sum + PRICE * item.quantity, 0)
  const coupons = [
    { coupon: fiveOff, discount: 500, unusableReason: null },
    { coupon: twentyOff, discount: 0, unusableReason: '差 ¥139.00 可用' }
  ]
  const chosen = body.couponId === undefined ? fiveOff : body.couponId === null ? null : coupons.find((c) => c.coupon.id === body.couponId)!.coupon
  if (chosen === twentyOff) throw new ApiError('COUPON_UNAVAILABLE', '优惠券不可用', 422)
  const couponDiscount = chosen ? 500 : 0
  const afterCoupon = goodsAmount - couponDiscount
  const maxPoints = Math.min(BALANCE, Math.floor(afterCoupon / 2 / 10))
  if (body.pointsToUse !== undefined && body.pointsToUse > maxPoints) throw new ApiError('POINTS_OVER_LIMIT', '使用的积分超过本单可抵扣上限', 422)
  const selected = body.pointsToUse ? { points: body.pointsToUse, deductionFen: body.pointsToUse * 10 } : null
  const deductionFen = selected?.deductionFen ?? 0
  return {
    goodsAmount,
    coupons,
    couponId: chosen?.id ?? null,
    couponDiscount,
    points: { balance: BALANCE, pointValueFen: 10, minPoints: 100, maxPoints, maxDeductionFen: maxPoints * 10, selected },
    deductionFen,
    payAmount: afterCoupon - deductionFen,
    pointsToEarn: Math.floor((afterCoupon - deductionFen) / 100)
  }
}

function putInCart() {
  useCartStore.setState({
    lines: [
      {
        skuId: 101,
        productId: 1,
        name: '羊毛围巾',
        specText: '燕麦色',
        cover: { from: '#000', to: '#fff' },
        price: PRICE,
        quantity: 2,
        stock: 10,
        selected: true
      },
      { skuId: 202, productId: 2, name: '没勾选的', specText: '白', cover: { from: '#000', to: '#fff' }, price: 100, quantity: 1, stock: 5, selected: false }
    ]
  })
}

/** NutUI's button marks itself disabled (or loading) with a class, and ignores taps then. */
const submitDisabled = () => screen.getByText('提交订单').closest('.nut-button')!.classList.contains('nut-button-disabled')
const text = (testId: string) => screen.getByTestId(testId).textContent
const previews = () => callsOf('POST /api/orders/preview').map((input) => input.body)

async function renderPage() {
  render(<CheckoutPage />)
  await screen.findByTestId('checkout-pay')
  await waitFor(() => expect(submitDisabled()).toBe(false))
}

async function tap(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element)
  })
}

async function pickInPicker(label: string | RegExp | ((picker: HTMLElement) => HTMLElement)) {
  await tap(screen.getByTestId('checkout-coupon-row'))
  const picker = screen.getByTestId('coupon-picker')
  await tap(typeof label === 'function' ? label(picker) : within(picker).getByText(label))
}

const settled = () => waitFor(() => expect(submitDisabled()).toBe(false))

beforeEach(() => {
  ;(api as unknown as jest.Mock).mockReset()
  taroMocks.forEach((name) => mockTaro[name].mockReset())
  mockTaro.showModal.mockResolvedValue({ confirm: true, cancel: false })
  putInCart()
})

afterEach(() => {
  process.env.TARO_ENV = 'h5'
})

describe('the checkout page', () => {
  it('prices the selected lines on the server, which preselects the best coupon', async () => {
    backend({ 'POST /api/orders/preview': (input) => fakePreview(input.body) })
    await renderPage()

    expect(previews()).toEqual([{ items: [{ skuId: 101, quantity: 2 }] }])
    expect(text('checkout-goods')).toBe('¥60.00')
    expect(text('checkout-coupon')).toBe('-¥5.00 满50减5')
    expect(text('checkout-pay')).toBe('实付 ¥55.00')
    expect(text('checkout-earn')).toBe('本单可得 55 积分')
    expect(text('checkout-points-hint')).toBe('本单最多可用 275 积分，抵 ¥27.50')
  })

  it('lists the coupons in the picker, an unusable one greyed with its reason and not selectable', async () => {
    backend({ 'POST /api/orders/preview': (input) => fakePreview(input.body) })
    await renderPage()
    await pickInPicker((picker) => within(picker).getByTestId('coupon-20'))

    const picker = screen.getByTestId('coupon-picker')
    const unusable = within(picker).getByTestId('coupon-20')
    expect(unusable.getAttribute('aria-disabled')).toBe('true')
    expect(within(unusable).getByText('差 ¥139.00 可用')).toBeTruthy()
    expect(within(picker).getByTestId('coupon-5').getAttribute('aria-selected')).toBe('true')
    expect(within(within(picker).getByTestId('coupon-5')).getByText('本单可减 ¥5.00')).toBeTruthy()
    expect(previews()).toHaveLength(1)
    expect(text('checkout-coupon')).toBe('-¥5.00 满50减5')
  })

  it('re-prices with couponId null after 不使用优惠券, and then keeps that choice while stepping points', async () => {
    backend({ 'POST /api/orders/preview': (input) => fakePreview(input.body) })
    await renderPage()

    await pickInPicker('不使用优惠券')
    await settled()
    expect(previews()[1]).toEqual({ items: [{ skuId: 101, quantity: 2 }], couponId: null })
    expect(text('checkout-coupon')).toBe('不使用优惠券')
    expect(text('checkout-pay')).toBe('实付 ¥60.00')

    await tap(screen.getByTestId('checkout-points-plus'))
    await settled()
    expect(previews()[2]).toEqual({ items: [{ skuId: 101, quantity: 2 }], couponId: null, pointsToUse: 100 })
    expect(text('checkout-pay')).toBe('实付 ¥50.00')
    expect(text('checkout-points-hint')).toBe('使用 100 积分抵 ¥10.00（本单最多 300 积分）')
  })

  it('clamps the points to the new cap when a coupon lowers it', async () => {
    backend({ 'POST /api/orders/preview': (input) => fakePreview(input.body) })
    await renderPage()
    await pickInPicker('不使用优惠券')
    await settled()
    for (let i = 0; i < 4; i += 1) {
      await tap(screen.getByTestId('checkout-points-plus'))
      await settled()
    }
    // Without the coupon the cap is 300: the fourth + stays there.
    expect(text('checkout-points')).toBe('300')

    await pickInPicker((picker) => within(picker).getByTestId('coupon-5'))
    await settled()
    expect(text('checkout-points')).toBe('275')
    expect(text('checkout-coupon')).toBe('-¥5.00 满50减5')
    expect(text('checkout-pay')).toBe('实付 ¥27.50')
    expect(previews().slice(-1)[0]).toEqual({ items: [{ skuId: 101, quantity: 2 }], couponId: 5, pointsToUse: 275 })
    expect(mockTaro.showToast).not.toHaveBeenCalled()
  })

  it('submits the coupon and points chosen, never a price, after a confirmation, then pays', async () => {
    process.env.TARO_ENV = 'weapp'
    mockTaro.chooseAddress.mockResolvedValue(wechatAddress)
    const placed = order({ orderNo: '2026031000000001', status: 'pending_payment', payAmount: 5300 })
    backend({
      'POST /api/orders/preview': (input) => fakePreview(input.body),
      'POST /api/orders': () => placed,
      'POST /api/orders/:orderNo/pay': () => ({ provider: 'dev', order: { ...placed, status: 'paid' }, pointsEarned: 53 })
    })
    await renderPage()
    await tap(screen.getByTestId('checkout-points-plus'))
    await tap(screen.getByTestId('checkout-points-plus'))
    await settled()
    await tap(screen.getByText('使用微信地址'))
    await tap(screen.getByText('提交订单'))

    expect(mockTaro.showModal).toHaveBeenCalledWith({ title: '确认支付', content: '支付 ¥35.00，使用优惠券「满50减5」，使用 200 积分' })
    await waitFor(() => expect(mockTaro.redirectTo).toHaveBeenCalledWith({ url: '/pages/orders/index' }))
    expect(callsOf('POST /api/orders')).toEqual([{ body: { items: [{ skuId: 101, quantity: 2 }], couponId: 5, pointsToUse: 200, address } }])
    expect(callsOf('POST /api/orders/:orderNo/pay')).toEqual([{ params: { orderNo: placed.orderNo } }])
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '支付成功', icon: 'success' })
    // The ordered line leaves the cart; the one not selected stays.
    expect(useCartStore.getState().lines.map((l) => l.skuId)).toEqual([202])
    // Emptying the cart while paying neither blanks the page nor prices the order again.
    expect(previews()).toHaveLength(3)
    expect(screen.getByTestId('checkout-pay').textContent).toBe('实付 ¥35.00')
  })

  it('omits the coupon when none is chosen, and places nothing when the member backs out of the confirmation', async () => {
    process.env.TARO_ENV = 'weapp'
    mockTaro.chooseAddress.mockResolvedValue({ userName: '李四', telNumber: '13900139000', provinceName: '北京市', cityName: '北京市', countyName: '朝阳区', detailInfo: '建国路 1 号' })
    const placed = order({ orderNo: '2026031000000002', status: 'pending_payment' })
    backend({
      'POST /api/orders/preview': (input) => fakePreview(input.body),
      'POST /api/orders': () => placed,
      'POST /api/orders/:orderNo/pay': () => ({ provider: 'dev', order: { ...placed, status: 'paid' }, pointsEarned: 60 })
    })
    await renderPage()
    await pickInPicker('不使用优惠券')
    await settled()
    await tap(screen.getByText('使用微信地址'))

    mockTaro.showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    await tap(screen.getByText('提交订单'))
    expect(callsOf('POST /api/orders')).toHaveLength(0)

    await tap(screen.getByText('提交订单'))
    await waitFor(() => expect(callsOf('POST /api/orders')).toHaveLength(1))
    expect(callsOf('POST /api/orders')[0].body).toEqual({
      items: [{ skuId: 101, quantity: 2 }],
      address: { name: '李四', phone: '13900139000', region: '北京市 北京市 朝阳区', detail: '建国路 1 号' }
    })
  })

  it('asks for the address before anything is placed', async () => {
    backend({ 'POST /api/orders/preview': (input) => fakePreview(input.body) })
    await renderPage()
    await tap(screen.getByText('提交订单'))
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '请填写完整的收货信息', icon: 'none' })
    expect(mockTaro.showModal).not.toHaveBeenCalled()
  })

  describe('with WeChat Pay', () => {
    const placed = order({ orderNo: '2026031000000003', status: 'pending_payment' })
    const params = { timeStamp: '1700000000', nonceStr: 'n0nce', package: 'prepay_id=wx1', signType: 'RSA' as const, paySign: 'c2lnbg==' }

    async function submitWith(orderAfterPay: () => unknown) {
      process.env.TARO_ENV = 'weapp'
      mockTaro.chooseAddress.mockResolvedValue(wechatAddress)
      backend({
        'POST /api/orders/preview': (input) => fakePreview(input.body),
        'POST /api/orders': () => placed,
        'POST /api/orders/:orderNo/pay': () => ({ provider: 'wechat', orderNo: placed.orderNo, params }),
        'GET /api/orders/:orderNo': orderAfterPay
      })
      await renderPage()
      await tap(screen.getByText('使用微信地址'))
      await tap(screen.getByText('提交订单'))
      await waitFor(() => expect(mockTaro.redirectTo).toHaveBeenCalled())
    }

    it('pays with the signed parameters and says 支付成功 once the server has it paid', async () => {
      mockTaro.requestPayment.mockResolvedValue({ errMsg: 'requestPayment:ok' })
      await submitWith(() => ({ ...placed, status: 'paid' }))
      expect(mockTaro.requestPayment).toHaveBeenCalledWith(params)
      expect(callsOf('GET /api/orders/:orderNo')).toEqual([{ params: { orderNo: placed.orderNo } }])
      expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '支付成功', icon: 'success' })
      expect(mockTaro.redirectTo).toHaveBeenCalledWith({ url: '/pages/orders/index' })
    })

    it('says 支付结果确认中 while the server has not heard from WeChat Pay', async () => {
      mockTaro.requestPayment.mockResolvedValue({ errMsg: 'requestPayment:ok' })
      await submitWith(() => placed)
      expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '支付结果确认中', icon: 'none' })
      expect(mockTaro.showToast).not.toHaveBeenCalledWith(expect.objectContaining({ title: '支付成功' }))
    })

    it('sends a member who cancels the payment to 待付款', async () => {
      mockTaro.requestPayment.mockRejectedValue({ errMsg: 'requestPayment:fail cancel' })
      await submitWith(() => placed)
      expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '已取消支付', icon: 'none' })
      expect(mockTaro.redirectTo).toHaveBeenCalledWith({ url: '/pages/orders/index?status=pending_payment' })
      expect(callsOf('GET /api/orders/:orderNo')).toHaveLength(0)
    })
  })

  it('shows the error with 重试 when the first preview fails', async () => {
    let failing = true
    backend({
      'POST /api/orders/preview': (input) => {
        if (failing) throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
        return fakePreview(input.body)
      }
    })
    render(<CheckoutPage />)
    expect(await screen.findByText('网络不给力，请检查网络后重试')).toBeTruthy()
    failing = false
    await tap(screen.getByText('重试'))
    expect(await screen.findByTestId('checkout-pay')).toBeTruthy()
    expect(previews()[1]).toEqual({ items: [{ skuId: 101, quantity: 2 }] })
  })
})
