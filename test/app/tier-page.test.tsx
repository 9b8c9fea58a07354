import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { ApiError } from '../../src/api/client'
import { api } from '../../src/api'
import TierPage from '../../src/pages/tier'
import { backend, callsOf } from './shop-fixtures'
import { brief, diamond, gold, memberTier, silver } from './tier-fixtures'

jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = {
    ...actual.default,
    showToast: jest.fn(async () => undefined),
    navigateTo: jest.fn(async () => undefined),
    requestSubscribeMessage: jest.fn()
  }
  return { __esModule: true, ...actual, ...taro, default: taro }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const mockTaro = Taro as unknown as Record<'showToast' | 'requestSubscribeMessage', jest.Mock>

async function tap(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element)
  })
}

beforeEach(() => {
  ;(api as unknown as jest.Mock).mockReset()
  mockTaro.showToast.mockClear()
  mockTaro.requestSubscribeMessage.mockReset()
})

describe('会员等级', () => {
  it('shows the tier, the growth and what is left to spend for the next tier', async () => {
    backend({ 'GET /api/members/me/tier': () => memberTier() })
    render(<TierPage />)
    expect(await screen.findByText('再消费 ¥4,000 升级金卡')).toBeTruthy()
    expect(screen.getAllByLabelText('会员等级：银卡').length).toBeGreaterThan(0)
    expect(screen.getByTestId('tier-growth').textContent).toBe('1,000')
  })

  it('at the top tier says so and offers no upgrade notice', async () => {
    backend({ 'GET /api/members/me/tier': () => memberTier({ tier: diamond, nextTier: null, growth: 26000, growthToNext: null }) })
    render(<TierPage />)
    expect(await screen.findByText('您已是最高等级')).toBeTruthy()
    expect(screen.queryByText('升级提醒')).toBeNull()
  })

  it('shows the yearly review, and none for 普通会员', async () => {
    backend({ 'GET /api/members/me/tier': () => memberTier() })
    const { unmount } = render(<TierPage />)
    const review = within(await screen.findByTestId('tier-review'))
    expect(review.getByText('保级条件：近12个月成长值达到 500（当前 320）')).toBeTruthy()
    expect(review.getByText('复核日期 2031-03-02')).toBeTruthy()
    expect(review.getByText('退款会扣减成长值，等级在年度复核时调整')).toBeTruthy()
    unmount()

    backend({ 'GET /api/members/me/tier': () => memberTier({ review: null }) })
    render(<TierPage />)
    await screen.findByTestId('tier-table')
    expect(screen.queryByTestId('tier-review')).toBeNull()
  })

  it('lays the privileges out per tier with the member’s own column highlighted', async () => {
    backend({ 'GET /api/members/me/tier': () => memberTier({ tier: gold, nextTier: diamond, growth: 6000, growthToNext: 14000 }) })
    render(<TierPage />)
    await screen.findByTestId('tier-table')
    const row = (key: string) => [0, 1, 2, 3].map((rank) => screen.getByTestId(`tier-cell-${key}-${rank}`).textContent)
    expect([0, 1, 2, 3].map((rank) => screen.getByTestId(`tier-col-${rank}`).textContent)).toEqual(['普通会员', '银卡', '金卡当前', '钻石'])
    expect(row('threshold')).toEqual(['0', '1,000', '5,000', '20,000'])
    expect(row('multiplier')).toEqual(['×1.0', '×1.2', '×1.5', '×2.0'])
    expect(row('birthday')).toEqual(['—', '200 积分', '500 积分', '1,000 积分'])
    expect(row('coupon')).toEqual(['—', '—', '金卡月享满200减20', '钻石月享满300减50'])
    expect(row('shipping')).toEqual(['—', '—', '✓', '✓'])
    expect(row('service')).toEqual(['—', '—', '—', '✓'])
    expect(within(screen.getByTestId('tier-row-threshold')).getByText('升级门槛')).toBeTruthy()

    expect(screen.getByTestId('tier-col-2').getAttribute('aria-current')).toBe('true')
    for (const rank of [0, 1, 3]) expect(screen.getByTestId(`tier-col-${rank}`).getAttribute('aria-current')).toBeNull()
    const highlighted = Array.from(document.querySelectorAll('.tier-table__cell--current')).map((cell) => cell.getAttribute('data-testid'))
    expect(highlighted).toEqual(['tier-col-2', 'tier-cell-threshold-2', 'tier-cell-multiplier-2', 'tier-cell-birthday-2', 'tier-cell-coupon-2', 'tier-cell-shipping-2', 'tier-cell-service-2'])
  })

  it('lists the recent tier changes with their kind, date and reason', async () => {
    backend({
      'GET /api/members/me/tier': () =>
        memberTier({
          changes: [
            { from: brief(gold), to: brief(silver), kind: 'review_downgrade', reason: '近12个月成长值 1,200，未达到 2,500', at: '2031-03-01T16:00:00.000Z' },
            { from: brief(gold), to: brief(gold), kind: 'review_keep', reason: '近12个月成长值 3,000', at: '2030-03-01T16:00:00.000Z' },
            { from: brief(silver), to: brief(gold), kind: 'operator', reason: '客诉补偿', at: '2029-06-01T04:00:00.000Z' }
          ]
        })
    })
    render(<TierPage />)
    const changes = await screen.findAllByTestId('tier-change')
    expect(changes.map((change) => change.textContent)).toEqual([
      '降级金卡 → 银卡2031-03-02近12个月成长值 1,200，未达到 2,500',
      '保级金卡2030-03-02近12个月成长值 3,000',
      '人工调整银卡 → 金卡2029-06-01客诉补偿'
    ])
  })

  it('in the browser records the upgrade notice consent on a tap', async () => {
    backend({
      'GET /api/members/me/tier': () => memberTier(),
      'POST /api/members/me/tier/notices': () => ({ noticeCredits: 1 })
    })
    render(<TierPage />)
    await tap(await screen.findByText('升级提醒'))
    await waitFor(() => expect(callsOf('POST /api/members/me/tier/notices')).toEqual([{ body: { accepted: true } }]))
    expect(mockTaro.requestSubscribeMessage).not.toHaveBeenCalled()
    expect((await screen.findByTestId('notice-credits')).textContent).toBe('已订阅，可通知 1 次')
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '已开启升级提醒', icon: 'success' })
  })

  describe('in WeChat', () => {
    const setEnv = (env: string, templateId: string) => {
      process.env.TARO_ENV = env as NodeJS.ProcessEnv['TARO_ENV']
      ;(globalThis as Record<string, unknown>).TIER_UPGRADE_TEMPLATE_ID = templateId
    }
    afterEach(() => setEnv('h5', ''))

    it('asks for the tier-up template on the tap and records the answer', async () => {
      setEnv('weapp', 'tmpl-tier')
      mockTaro.requestSubscribeMessage.mockResolvedValue({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-tier': 'reject' })
      backend({
        'GET /api/members/me/tier': () => memberTier(),
        'POST /api/members/me/tier/notices': () => ({ noticeCredits: 0 })
      })
      render(<TierPage />)
      await tap(await screen.findByText('升级提醒'))
      expect(mockTaro.requestSubscribeMessage).toHaveBeenCalledWith({ tmplIds: ['tmpl-tier'] })
      await waitFor(() => expect(callsOf('POST /api/members/me/tier/notices')).toEqual([{ body: { accepted: false } }]))
      expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '您未允许升级提醒', icon: 'none' })
    })

    it('without a template id records the consent without asking', async () => {
      setEnv('weapp', '')
      backend({
        'GET /api/members/me/tier': () => memberTier(),
        'POST /api/members/me/tier/notices': () => ({ noticeCredits: 2 })
      })
      render(<TierPage />)
      await tap(await screen.findByText('升级提醒'))
      await waitFor(() => expect(callsOf('POST /api/members/me/tier/notices')).toEqual([{ body: { accepted: true } }]))
      expect(mockTaro.requestSubscribeMessage).not.toHaveBeenCalled()
    })
  })

  it('shows an error with 重试, and sends a non-member to join', async () => {
    let answer: () => unknown = () => {
      throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
    }
    backend({ 'GET /api/members/me/tier': () => answer() })
    render(<TierPage />)
    expect(await screen.findByText('网络不给力，请检查网络后重试')).toBeTruthy()
    answer = () => {
      throw new ApiError('NOT_A_MEMBER', '您还不是会员，请先加入会员', 404)
    }
    await tap(screen.getByText('重试'))
    expect(await screen.findByText('您还不是会员')).toBeTruthy()
  })
})
