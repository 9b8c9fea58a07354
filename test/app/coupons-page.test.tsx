import { act, fireEvent, render, screen, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { ApiError } from '../../src/api/client'
import { api } from '../../src/api'
import CouponsPage from '../../src/pages/coupons'
import { backend, callsOf, coupon } from './shop-fixtures'

jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = {
    ...actual.default,
    showToast: jest.fn(async () => undefined),
    switchTab: jest.fn(async () => undefined),
    stopPullDownRefresh: jest.fn()
  }
  return { __esModule: true, ...actual, ...taro, default: taro, usePullDownRefresh: () => undefined }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const available = [
  coupon({ id: 1, name: '新人礼券', rule: { kind: 'amount', amountOff: 2000, threshold: 19900 }, validFrom: '2030-01-01T04:00:00.000Z', validUntil: '2030-01-31T04:00:00.000Z' }),
  coupon({ id: 2, name: '会员日折扣', rule: { kind: 'percent', percentOff: 10, maxDiscount: 5000, threshold: 0 } })
]
const used = [coupon({ id: 3, name: '满100减10', rule: { kind: 'amount', amountOff: 1000, threshold: 10000 }, status: 'used', usedOrderNo: '2026031000000099' })]

async function tap(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element)
  })
}

beforeEach(() => {
  ;(api as unknown as jest.Mock).mockReset()
})

describe('我的优惠券', () => {
  it('lists the coupons of each tab as tickets, with an empty state for a tab without any', async () => {
    backend({
      'GET /api/coupons': (input) => ({ items: { available, used, expired: [] }[input.query.status as 'available' | 'used' | 'expired'] })
    })
    render(<CouponsPage />)
    const first = within(await screen.findByTestId('coupon-1'))
    expect(first.getByText('¥20')).toBeTruthy()
    expect(first.getByText('满199可用')).toBeTruthy()
    expect(first.getByText('新人礼券')).toBeTruthy()
    expect(first.getByText('2030-01-01 至 2030-01-31')).toBeTruthy()
    const second = within(screen.getByTestId('coupon-2'))
    expect(second.getByText('9折')).toBeTruthy()
    expect(second.getByText('无门槛 · 最高减¥50')).toBeTruthy()
    await tap(first.getByText('去使用'))
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/catalog/index' })

    await tap(screen.getByTestId('coupons-tab-used'))
    const spent = within(await screen.findByTestId('coupon-3'))
    expect(spent.getByText('已用于订单 2026031000000099')).toBeTruthy()
    expect(screen.getByTestId('coupon-3').getAttribute('aria-disabled')).toBe('true')
    expect(screen.queryByTestId('coupon-1')).toBeNull()

    await tap(screen.getByTestId('coupons-tab-expired'))
    expect(await screen.findByText('暂无已过期的优惠券')).toBeTruthy()
    expect(callsOf('GET /api/coupons')).toEqual([{ query: { status: 'available' } }, { query: { status: 'used' } }, { query: { status: 'expired' } }])
  })

  it('shows an error with 重试, and sends a non-member to join', async () => {
    let answer: () => unknown = () => {
      throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
    }
    backend({ 'GET /api/coupons': () => answer() })
    render(<CouponsPage />)
    expect(await screen.findByText('网络不给力，请检查网络后重试')).toBeTruthy()
    answer = () => {
      throw new ApiError('NOT_A_MEMBER', '您还不是会员，请先加入会员', 404)
    }
    await tap(screen.getByText('重试'))
    expect(await screen.findByText('您还不是会员')).toBeTruthy()
  })
})
