import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { Order } from '../../types'
import { api, ApiError } from '../../src/api'
import AftersaleApplyPage from '../../src/pages/aftersale/apply'
import { aftersaleWindowOpen, forgetAftersaleRules } from '../../src/pages/orders/aftersale-window'
import { aftersale, rules } from './aftersale-fixtures'
import { backend, callsOf, order } from './shop-fixtures'

let mockParams: Record<string, string> = {}
jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = {
    ...actual.default,
    showToast: jest.fn(async () => undefined),
    showModal: jest.fn(async () => ({ confirm: true, cancel: false })),
    navigateBack: jest.fn(async () => undefined),
    redirectTo: jest.fn(async () => undefined),
    getCurrentPages: jest.fn(() => [])
  }
  return { __esModule: true, ...actual, ...taro, default: taro, useRouter: () => ({ params: mockParams }), useDidShow: () => undefined }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const taroMocks = ['showToast', 'showModal', 'navigateBack', 'redirectTo', 'getCurrentPages'] as const
const mockTaro = Taro as unknown as Record<(typeof taroMocks)[number], jest.Mock>

const scarf = { skuId: 101, productName: '羊毛围巾', specText: '燕麦色', price: 3000, quantity: 3, refundedQuantity: 1 }
const gloves = { skuId: 102, productName: '皮手套', specText: 'M', price: 8000, quantity: 1, refundedQuantity: 0 }
const hat = { skuId: 103, productName: '毛线帽', specText: '灰', price: 5000, quantity: 1, refundedQuantity: 1 }
const shipping = { carrier: '顺丰速运', trackingNo: 'SF1234567890', shippedAt: '2026-03-11T02:00:00.000Z' }

async function tap(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element)
  })
}

function openForm(shown: Order, routes: Record<string, (input: any) => unknown> = {}, aftersales = [] as ReturnType<typeof aftersale>[]) {
  mockParams = { orderNo: shown.orderNo }
  backend({
    'GET /api/orders/:orderNo': () => shown,
    'GET /api/orders/:orderNo/aftersales': () => ({ items: aftersales }),
    'GET /api/aftersales/rules': () => rules,
    ...routes
  })
  render(<AftersaleApplyPage />)
}

const item = (skuId: number) => within(screen.getByTestId(`refund-item-${skuId}`))
const submitButton = () => screen.getByText(/^(提交申请|请选择售后类型|请选择商品|请选择申请原因)$/)

async function typeNote(text: string) {
  // Taro's h5 Textarea wraps the real <textarea> (both carry the placeholder), rendered a moment after itself.
  const inner = await waitFor(() => {
    const textarea = screen.getAllByPlaceholderText('请描述遇到的问题，便于商家尽快处理').find((el) => el.tagName === 'TEXTAREA')
    if (!textarea) throw new Error('the inner <textarea> is not rendered yet')
    return textarea
  })
  await act(async () => {
    fireEvent.input(inner, { target: { value: text } })
  })
}

beforeEach(() => {
  ;(api as unknown as jest.Mock).mockReset()
  taroMocks.forEach((name) => mockTaro[name].mockClear())
  mockTaro.showModal.mockResolvedValue({ confirm: true, cancel: false })
  mockTaro.getCurrentPages.mockReturnValue([])
  forgetAftersaleRules()
  Taro.clearStorageSync()
})

describe('申请售后', () => {
  it('offers only what is still refundable: bought − refunded − held by open requests', async () => {
    const shown = order({ orderNo: '2026031000000201', status: 'completed', shipping, items: [scarf, gloves, hat] })
    openForm(shown, {}, [
      aftersale({ aftersaleNo: 'AS2026031200000011', orderNo: shown.orderNo, status: 'pending', items: [{ ...scarf, quantity: 1 }] }),
      // Rejected and cancelled requests hold nothing.
      aftersale({ aftersaleNo: 'AS2026031200000012', orderNo: shown.orderNo, status: 'rejected', items: [{ ...gloves, quantity: 1 }] }),
      aftersale({ aftersaleNo: 'AS2026031200000013', orderNo: shown.orderNo, status: 'cancelled', items: [{ ...scarf, quantity: 1 }] })
    ])
    await screen.findByTestId('aftersale-items')
    expect(item(101).getByText('¥30.00 · 可退 1 件')).toBeTruthy()
    expect(item(101).getByTestId('refund-quantity').textContent).toBe('1')
    expect(item(102).getByText('¥80.00 · 可退 1 件')).toBeTruthy()
    // All of the hat was refunded: not offered.
    expect(screen.queryByTestId('refund-item-103')).toBeNull()
    await tap(item(101).getByTestId('refund-plus'))
    expect(item(101).getByTestId('refund-quantity').textContent).toBe('1')
  })

  it('lists the reasons from the rules and sends the kind, items, reason and note after a confirmation', async () => {
    const shown = order({ orderNo: '2026031000000202', status: 'completed', shipping, items: [{ ...scarf, refundedQuantity: 0 }, gloves] })
    openForm(shown, {
      'POST /api/orders/:orderNo/aftersales': ({ body }) =>
        aftersale({ aftersaleNo: 'AS2026031200000021', orderNo: shown.orderNo, status: 'pending', kind: body.kind, reason: body.reason })
    })
    const reasons = within(await screen.findByTestId('aftersale-reasons'))
    expect(Array.from(screen.getByTestId('aftersale-reasons').querySelectorAll('.aftersale-option__title')).map((r) => r.textContent)).toEqual(rules.reasons)

    // Nothing is sent before the kind and the reason are chosen.
    expect(submitButton().textContent).toBe('请选择售后类型')
    await tap(screen.getByTestId('aftersale-kind-return_refund'))
    expect(submitButton().textContent).toBe('请选择申请原因')
    await tap(reasons.getByText('质量问题'))
    expect(submitButton().textContent).toBe('提交申请')

    await tap(item(101).getByTestId('refund-minus'))
    await tap(item(102).getByText('皮手套 · M'))
    await typeNote('  洗了一次就起球  ')

    mockTaro.showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    await tap(submitButton())
    expect(callsOf('POST /api/orders/:orderNo/aftersales')).toHaveLength(0)

    await tap(submitButton())
    expect(mockTaro.showModal).toHaveBeenLastCalledWith({ title: '确认提交售后申请', content: '退货退款 2 件商品。商家同意后请寄回商品，商家收到后退款' })
    await waitFor(() =>
      expect(callsOf('POST /api/orders/:orderNo/aftersales')).toEqual([
        { params: { orderNo: shown.orderNo }, body: { kind: 'return_refund', items: [{ skuId: 101, quantity: 2 }], reason: '质量问题', note: '洗了一次就起球' } }
      ])
    )
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '申请已提交', icon: 'success' })
    expect(mockTaro.redirectTo).toHaveBeenCalledWith({ url: `/pages/aftersale/detail?orderNo=${shown.orderNo}&aftersaleNo=AS2026031200000021` })
  })

  it('shows 已超过售后期限 when the server refuses the window, the button gone, and remembers it', async () => {
    const shown = order({ orderNo: '2026031000000203', status: 'completed', shipping })
    openForm(shown, {
      'POST /api/orders/:orderNo/aftersales': () => {
        throw new ApiError('AFTERSALE_WINDOW_CLOSED', '已超过售后期限', 409)
      }
    })
    await tap(await screen.findByTestId('aftersale-kind-refund_only'))
    await tap(screen.getByText('不想要了'))
    await tap(submitButton())
    expect(await screen.findByText('已超过售后期限')).toBeTruthy()
    expect(screen.getByText('确认收货后 7 天内可申请售后，如有问题请联系客服')).toBeTruthy()
    expect(screen.queryByText('提交申请')).toBeNull()
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '已超过售后期限', icon: 'none' })
    // 我的订单 and 订单详情 hide 申请售后 for it from now on.
    expect(aftersaleWindowOpen(shown, 7)).toBe(false)
    expect(aftersaleWindowOpen({ ...shown, orderNo: '2026031000000299' }, 7)).toBe(true)

    await tap(screen.getByText('返回订单详情'))
    expect(mockTaro.redirectTo).toHaveBeenCalledWith({ url: `/pages/aftersale/order?orderNo=${shown.orderNo}` })
  })

  it('shows a refusal on the form, and reads what is left again when another request took the items', async () => {
    const shown = order({ orderNo: '2026031000000204', status: 'shipped', shipping, items: [{ ...scarf, refundedQuantity: 0 }] })
    let taken = false
    openForm(shown, {
      'GET /api/orders/:orderNo/aftersales': () => ({
        items: taken ? [aftersale({ aftersaleNo: 'AS2026031200000041', orderNo: shown.orderNo, status: 'pending', items: [{ ...scarf, quantity: 2 }] })] : []
      }),
      'POST /api/orders/:orderNo/aftersales': () => {
        taken = true
        throw new ApiError('REFUND_EXCEEDS_ORDER', '退款数量超过可退数量', 422)
      }
    })
    await screen.findByTestId('aftersale-items')
    expect(item(101).getByTestId('refund-quantity').textContent).toBe('3')
    await tap(screen.getByTestId('aftersale-kind-refund_only'))
    await tap(screen.getByText('少件或发错货'))
    await tap(submitButton())
    expect((await screen.findByTestId('aftersale-failure')).textContent).toBe('退款数量超过可退数量')
    await waitFor(() => expect(item(101).getByText('¥30.00 · 可退 1 件')).toBeTruthy())
    expect(item(101).getByTestId('refund-quantity').textContent).toBe('1')
  })

  it('sends an unshipped order back to 申请退款, and says so for an order with nothing left', async () => {
    openForm(order({ orderNo: '2026031000000205', status: 'paid' }))
    expect(await screen.findByText('订单尚未发货')).toBeTruthy()
    mockTaro.getCurrentPages.mockReturnValue([{ route: 'pages/aftersale/order' }, { route: 'pages/aftersale/apply' }])
    await tap(screen.getByText('返回订单详情'))
    expect(mockTaro.navigateBack).toHaveBeenCalled()
  })

  it('says there is nothing to ask for when every item is refunded or held', async () => {
    const shown = order({ orderNo: '2026031000000206', status: 'completed', shipping, items: [{ ...gloves }] })
    openForm(shown, {}, [aftersale({ aftersaleNo: 'AS2026031200000061', orderNo: shown.orderNo, status: 'awaiting_return', items: [{ ...gloves, quantity: 1 }] })])
    expect(await screen.findByText('暂无可申请售后的商品')).toBeTruthy()
  })
})
