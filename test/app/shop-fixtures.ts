// Fixtures and a fake backend for the shop pages' tests. Each test file mocks '../../src/api' itself
// (jest.mock is per file); `backend` drives that mock.
import type { MemberCoupon, Order } from '../../types'
import { api } from '../../src/api'

type Handler = (input: any) => unknown

/** Answers the page's calls by route key; an unexpected call fails the test. */
export function backend(routes: Record<string, Handler>) {
  ;(api as unknown as jest.Mock).mockImplementation(async (route: string, input: unknown) => {
    const answer = routes[route]
    if (!answer) throw new Error(`unexpected call ${route}`)
    return answer(input)
  })
}

export const callsOf = (route: string) =>
  (api as unknown as jest.Mock).mock.calls.filter(([r]) => r === route).map(([, input]) => input)

export function coupon(overrides: Partial<MemberCoupon> & Pick<MemberCoupon, 'id' | 'name' | 'rule'>): MemberCoupon {
  return {
    validFrom: '2026-01-01T00:00:00.000Z',
    validUntil: '2030-12-31T15:00:00.000Z',
    status: 'available',
    usedOrderNo: null,
    ...overrides
  }
}

export const address = { name: '张三', phone: '13800138000', region: '上海市 上海市 静安区', detail: '南京西路 1266 号' }

/** What WeChat's chooseAddress answers for `address`. */
export const wechatAddress = {
  userName: address.name,
  telNumber: address.phone,
  provinceName: '上海市',
  cityName: '上海市',
  countyName: '静安区',
  detailInfo: address.detail
}

export function order(overrides: Partial<Order> & Pick<Order, 'orderNo' | 'status'>): Order {
  return {
    items: [{ skuId: 101, productName: '羊毛围巾', specText: '燕麦色', price: 3000, quantity: 2, refundedQuantity: 0 }],
    goodsAmount: 6000,
    couponName: null,
    couponDiscount: 0,
    pointsUsed: 0,
    deductionFen: 0,
    payAmount: 6000,
    pointsEarned: 60,
    address,
    shipping: null,
    refunds: [],
    createdAt: '2026-03-10T02:30:00.000Z',
    paidAt: null,
    completedAt: null,
    expiresAt: '2026-03-10T03:00:00.000Z',
    ...overrides
  }
}
