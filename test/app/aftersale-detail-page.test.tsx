import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { Aftersale } from '../../types'
import { api, ApiError } from '../../src/api'
import AftersaleDetailPage from '../../src/pages/aftersale/detail'
import { aftersale } from './aftersale-fixtures'
import { backend, callsOf } from './shop-fixtures'

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
    navigateBack: jest.fn(async () => undefined),
    redirectTo: jest.fn(async () => undefined),
    getCurrentPages: jest.fn(() => [])
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

const taroMocks = ['showToast', 'showModal', 'stopPullDownRefresh', 'navigateTo', 'navigateBack', 'redirectTo', 'getCurrentPages'] as const
const mockTaro = Taro as unknown as Record<(typeof taroMocks)[number], jest.Mock>

const ORDER_NO = '2026031000000301'
const AS_NO = 'AS2026031200000301'
const refund = { refundNo: 'R301', status: 'succeeded' as const, amount: 2357, pointsBack: 43, earnedBack: 23, items: [{ skuId: 101, quantity: 1 }], reason: '质量问题', createdAt: '2026-03-14T03:00:00.000Z' }

async function tap(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element)
  })
}

/** The page for one request; `routes` may replace the server's answers (the list keeps the latest). */
function openRequest(shown: Aftersale, routes: Record<string, (input: any) => unknown> = {}) {
  mockParams = { orderNo: shown.orderNo, aftersaleNo: shown.aftersaleNo }
  let current = shown
  const remembering = Object.fromEntries(
    Object.entries(routes).map(([route, handler]) => [
      route,
      async (input: any) => {
        const answer = (await handler(input)) as Aftersale
        if (route.startsWith('POST')) current = answer
        return answer
      }
    ])
  )
  backend({ 'GET /api/orders/:orderNo/aftersales': () => ({ items: [current] }), ...remembering })
  render(<AftersaleDetailPage />)
  return screen.findByTestId('aftersale-status')
}

async function typeInto(placeholder: string, value: string) {
  // Taro's h5 Input wraps the real <input>, rendered a moment after itself.
  const input = await waitFor(() => {
    const inner = screen.getAllByPlaceholderText(placeholder).find((el) => el.tagName === 'INPUT')
    if (!inner) throw new Error('the inner <input> is not rendered yet')
    return inner
  })
  await act(async () => {
    fireEvent.input(input, { target: { value } })
  })
}

const status = () => screen.getByTestId('aftersale-status').querySelector('.as-status__text')?.textContent

beforeEach(() => {
  ;(api as unknown as jest.Mock).mockReset()
  taroMocks.forEach((name) => mockTaro[name].mockClear())
  mockTaro.showModal.mockResolvedValue({ confirm: true, cancel: false })
  mockTaro.getCurrentPages.mockReturnValue([])
})

describe('售后详情', () => {
  it.each<[Partial<Aftersale> & Pick<Aftersale, 'status'>, string]>([
    [{ status: 'pending' }, '待审核'],
    [{ status: 'rejected', decisionReason: '商品已使用，不支持退货' }, '已拒绝（商品已使用，不支持退货）'],
    [{ status: 'awaiting_return' }, '待寄回'],
    [{ status: 'returned', returnShipping: { carrier: '中通快递', trackingNo: 'ZT7788' } }, '已寄回，待商家确认'],
    [{ status: 'refunding', refund: { ...refund, status: 'processing' } }, '退款中'],
    [{ status: 'refunded', refund }, '已退款'],
    [{ status: 'refund_failed', refund: { ...refund, status: 'failed' } }, '退款失败'],
    [{ status: 'cancelled' }, '已取消']
  ])('says %o in words', async (overrides, words) => {
    await openRequest(aftersale({ aftersaleNo: AS_NO, orderNo: ORDER_NO, ...overrides }))
    expect(status()).toBe(words)
    const cancellable = overrides.status === 'pending' || overrides.status === 'awaiting_return'
    expect(screen.queryByText('撤销申请') !== null).toBe(cancellable)
    expect(screen.queryByTestId('return-form') !== null).toBe(overrides.status === 'awaiting_return')
  })

  it('shows the request, the refund and the timeline newest first, with who took each step', async () => {
    await openRequest(
      aftersale({
        aftersaleNo: AS_NO,
        orderNo: ORDER_NO,
        status: 'refunded',
        note: '洗了一次就起球',
        returnShipping: { carrier: '中通快递', trackingNo: 'ZT7788' },
        refund,
        timeline: [
          { status: 'pending', actor: 'member', note: '洗了一次就起球', at: '2026-03-12T02:00:00.000Z' },
          { status: 'awaiting_return', actor: 'yunying01', note: null, at: '2026-03-12T06:00:00.000Z' },
          { status: 'returned', actor: 'member', note: '中通快递 ZT7788', at: '2026-03-13T01:00:00.000Z' },
          { status: 'refunding', actor: 'service', note: null, at: '2026-03-14T03:00:00.000Z' },
          { status: 'refunded', actor: 'system', note: null, at: '2026-03-14T03:00:01.000Z' }
        ]
      })
    )
    expect(screen.getByText('¥23.57 已原路退回')).toBeTruthy()
    expect(within(screen.getByTestId('aftersale-refund')).getByTestId('aftersale-refund-amount').textContent).toBe('¥23.57')
    expect(screen.getByText('43 积分')).toBeTruthy()
    expect(screen.getByText('23 积分')).toBeTruthy()
    expect(within(screen.getByTestId('aftersale-return-shipping')).getByText('ZT7788')).toBeTruthy()
    expect(screen.getByText('退货退款')).toBeTruthy()
    expect(screen.getByText('质量问题')).toBeTruthy()

    const timeline = within(screen.getByTestId('aftersale-timeline'))
    const steps = timeline.getAllByTestId('timeline-step').map((step) => step.querySelector('.timeline__title')?.textContent)
    expect(steps).toEqual(['退款成功，¥23.57 已原路退回', '商家已确认收到退货，退款处理中', '已寄回商品', '商家同意退货，请寄回商品', '提交退货退款申请'])
    expect(timeline.getByText('中通快递 ZT7788')).toBeTruthy()
    expect(timeline.getByText('您 · 2026-03-12 10:00')).toBeTruthy()
    expect(timeline.getByText('商家 · 2026-03-12 14:00')).toBeTruthy()
    expect(timeline.getByText('系统 · 2026-03-14 11:00')).toBeTruthy()
  })

  it('takes the return carrier and tracking number, checked before sending, after a confirmation', async () => {
    const waiting = aftersale({ aftersaleNo: AS_NO, orderNo: ORDER_NO, status: 'awaiting_return' })
    await openRequest(waiting, {
      'POST /api/aftersales/:aftersaleNo/return': ({ body }) => ({
        ...waiting,
        status: 'returned',
        returnShipping: body,
        timeline: [...waiting.timeline, { status: 'returned', actor: 'member', note: `${body.carrier} ${body.trackingNo}`, at: '2026-03-13T01:00:00.000Z' }]
      })
    })
    const form = within(screen.getByTestId('return-form'))
    const submit = () => form.getByText('提交退货物流').closest('.nut-button') as HTMLElement
    expect(submit().className).toContain('nut-button-disabled')
    // Taro's h5 Input fails on a value set before its inner <input> is there.
    await waitFor(() => expect(screen.getByTestId('return-form').querySelectorAll('input')).toHaveLength(2))

    await tap(form.getByText('顺丰速运'))
    await typeInto('请填写运单号', 'SF#1')
    expect(form.getByTestId('return-form-error').textContent).toBe('运单号为 4-40 位字母、数字或短横线')
    expect(submit().className).toContain('nut-button-disabled')
    await tap(submit())
    expect(callsOf('POST /api/aftersales/:aftersaleNo/return')).toHaveLength(0)

    await typeInto('请填写运单号', 'SF 1234 5678 90')
    expect(form.queryByTestId('return-form-error')).toBeNull()
    mockTaro.showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    await tap(submit())
    expect(mockTaro.showModal).toHaveBeenLastCalledWith({ title: '请核对退货物流', content: '顺丰速运 SF1234567890，提交后不能修改' })
    expect(callsOf('POST /api/aftersales/:aftersaleNo/return')).toHaveLength(0)

    await tap(submit())
    await waitFor(() =>
      expect(callsOf('POST /api/aftersales/:aftersaleNo/return')).toEqual([{ params: { aftersaleNo: AS_NO }, body: { carrier: '顺丰速运', trackingNo: 'SF1234567890' } }])
    )
    await waitFor(() => expect(status()).toBe('已寄回，待商家确认'))
    expect(screen.queryByTestId('return-form')).toBeNull()
    expect(within(screen.getByTestId('aftersale-return-shipping')).getByText('SF1234567890')).toBeTruthy()
    expect(screen.queryByText('撤销申请')).toBeNull()
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '已提交退货物流', icon: 'success' })
  })

  it('withdraws a pending request after a confirmation', async () => {
    const pending = aftersale({ aftersaleNo: AS_NO, orderNo: ORDER_NO, status: 'pending' })
    await openRequest(pending, {
      'POST /api/aftersales/:aftersaleNo/cancel': () => ({
        ...pending,
        status: 'cancelled',
        timeline: [...pending.timeline, { status: 'cancelled', actor: 'member', note: null, at: '2026-03-12T03:00:00.000Z' }]
      })
    })
    mockTaro.showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    await tap(screen.getByText('撤销申请'))
    expect(callsOf('POST /api/aftersales/:aftersaleNo/cancel')).toHaveLength(0)

    await tap(screen.getByText('撤销申请'))
    expect(mockTaro.showModal).toHaveBeenLastCalledWith({ title: '撤销售后申请', content: '撤销后本次申请关闭，售后期限内可重新申请' })
    await waitFor(() => expect(callsOf('POST /api/aftersales/:aftersaleNo/cancel')).toEqual([{ params: { aftersaleNo: AS_NO } }]))
    await waitFor(() => expect(status()).toBe('已取消'))
    expect(screen.queryByText('撤销申请')).toBeNull()
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '已撤销申请', icon: 'success' })
  })

  it('shows where the request is now when the operator decided first', async () => {
    const pending = aftersale({ aftersaleNo: AS_NO, orderNo: ORDER_NO, status: 'pending' })
    let decided = false
    mockParams = { orderNo: ORDER_NO, aftersaleNo: AS_NO }
    backend({
      'GET /api/orders/:orderNo/aftersales': () => ({ items: [decided ? { ...pending, status: 'awaiting_return' } : pending] }),
      'POST /api/aftersales/:aftersaleNo/cancel': () => {
        decided = true
        throw new ApiError('AFTERSALE_STATE_CHANGED', '售后申请状态已变化，请刷新后查看', 409)
      }
    })
    render(<AftersaleDetailPage />)
    await screen.findByTestId('aftersale-status')
    await tap(screen.getByText('撤销申请'))
    await waitFor(() => expect(status()).toBe('待寄回'))
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '售后申请状态已变化，请刷新后查看', icon: 'none' })
    expect(screen.getByTestId('return-form')).toBeTruthy()
  })

  it('says 售后申请不存在 without 重试 for an unknown request; pull-down reads it again', async () => {
    mockParams = { orderNo: ORDER_NO, aftersaleNo: 'AS2026031299999999' }
    backend({ 'GET /api/orders/:orderNo/aftersales': () => ({ items: [] }) })
    const { unmount } = render(<AftersaleDetailPage />)
    expect(await screen.findByText('售后申请不存在')).toBeTruthy()
    expect(screen.queryByText('重试')).toBeNull()
    unmount()

    await openRequest(aftersale({ aftersaleNo: AS_NO, orderNo: ORDER_NO, status: 'pending' }))
    await act(async () => {
      await mockPageHooks.pullDownRefresh!()
    })
    expect(callsOf('GET /api/orders/:orderNo/aftersales')).toHaveLength(3)
    expect(mockTaro.stopPullDownRefresh).toHaveBeenCalled()
  })
})
