import { act, fireEvent, render, screen, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { DrawResult } from '../../types'
import { ApiError } from '../../src/api/client'
import { api } from '../../src/api'
import DrawPage from '../../src/pages/draw'
import { activity, drawResult } from './draw-fixtures'
import { backend, callsOf, wechatAddress } from './shop-fixtures'

let mockParams: Record<string, string> = {}
const mockShare = jest.fn()

jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = {
    ...actual.default,
    showToast: jest.fn(async () => undefined),
    showModal: jest.fn(async () => ({ confirm: true, cancel: false })),
    navigateTo: jest.fn(async () => undefined),
    chooseAddress: jest.fn()
  }
  return {
    __esModule: true,
    ...actual,
    ...taro,
    default: taro,
    useRouter: () => ({ params: mockParams }),
    useShareAppMessage: (handler: unknown) => mockShare(handler)
  }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const taroMocks = ['showToast', 'showModal', 'navigateTo', 'chooseAddress'] as const
const mockTaro = Taro as unknown as Record<(typeof taroMocks)[number], jest.Mock>

const DRAW = 'POST /api/draw/activities/:code/draws'
const ACTIVITY = 'GET /api/draw/activities/:code'

async function tap(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element)
  })
}

/** Lets the page's timers (and the answers they wait for) run for `ms`. */
async function elapse(ms: number) {
  await act(async () => {
    await jest.advanceTimersByTimeAsync(ms)
  })
}

const start = () => screen.getByTestId('draw-start')
const lit = () => Array.from(document.querySelectorAll('[aria-current="true"]')).map((cell) => cell.getAttribute('data-testid'))
const text = (testId: string) => screen.getByTestId(testId).textContent

/** Opens the page and draws once, the server answering `result` at once; returns when the highlight has stopped. */
async function drawOnce(result: DrawResult) {
  let me = {}
  backend({
    [ACTIVITY]: () => activity(me),
    [DRAW]: () => {
      me = { balance: result.balance, freeDrawsLeftToday: result.freeDrawsLeftToday, drawsLeftToday: result.drawsLeftToday }
      return result
    }
  })
  render(<DrawPage />)
  await tap(await screen.findByTestId('draw-start'))
  await elapse(10_000)
  return within(screen.getByTestId('draw-result'))
}

beforeEach(() => {
  jest.useFakeTimers()
  mockParams = {}
  ;(api as unknown as jest.Mock).mockReset()
  mockShare.mockReset()
  taroMocks.forEach((name) => mockTaro[name].mockReset())
  mockTaro.showModal.mockResolvedValue({ confirm: true, cancel: false })
})

afterEach(() => {
  jest.useRealTimers()
})

describe('幸运抽奖', () => {
  it('places the eight prizes clockwise by slot around the start button', async () => {
    backend({ [ACTIVITY]: () => activity() })
    render(<DrawPage />)
    const grid = await screen.findByTestId('draw-grid')
    const cells = Array.from(grid.children).map((cell) => cell.textContent)
    // Row by row: 0 1 2 / 7 start 3 / 6 5 4.
    expect(cells).toEqual(['100 积分', '满199减20券', '谢谢参与', '蓝牙耳机', '抽奖免费抽奖', '10 积分', '500 积分', '会员9折券', '随行保温杯'])
    expect(within(screen.getByTestId('draw-cell-0')).getByLabelText('积分')).toBeTruthy()
    expect(within(screen.getByTestId('draw-cell-1')).getByLabelText('优惠券')).toBeTruthy()
    expect(within(screen.getByTestId('draw-cell-2')).getByLabelText('谢谢参与')).toBeTruthy()
    expect(within(screen.getByTestId('draw-cell-4')).getByLabelText('实物奖品')).toBeTruthy()
    expect(callsOf(ACTIVITY)).toEqual([{ params: { code: 'lucky-grid' } }])
  })

  it('shows the window, the counts, the balance and the rules on demand', async () => {
    mockParams = { code: 'spring-draw' }
    backend({ [ACTIVITY]: () => activity({ freeDrawsLeftToday: 0, drawsLeftToday: 7, balance: 12_500 }, { code: 'spring-draw', totalLimit: 30 }) })
    render(<DrawPage />)
    expect(await screen.findByText('幸运九宫格')).toBeTruthy()
    expect(text('draw-window')).toBe('2030-01-01 10:00 – 2030-12-31 22:00')
    expect(text('draw-balance')).toBe('12,500 积分')
    expect(text('draw-free-left')).toBe('今日免费 0 次')
    expect(text('draw-left')).toBe('今日还可抽 7 次')
    expect(text('draw-start')).toBe('抽奖50 积分/次')
    expect(callsOf(ACTIVITY)).toEqual([{ params: { code: 'spring-draw' } }])

    expect(screen.queryByTestId('draw-rules')).toBeNull()
    await tap(screen.getByTestId('draw-rules-toggle'))
    expect(text('draw-rules')).toBe('每次抽奖消耗 50 积分，每天首次免费，每天最多 10 次。活动期间每人最多抽 30 次')
    await tap(screen.getByTestId('draw-rules-toggle'))
    expect(screen.queryByTestId('draw-rules')).toBeNull()

    await tap(screen.getByText('我的奖品 ›'))
    expect(mockTaro.navigateTo).toHaveBeenCalledWith({ url: '/pages/draw/prizes' })
    const share = mockShare.mock.calls[mockShare.mock.calls.length - 1][0] as () => unknown
    expect(share()).toEqual({ title: '一起来抽奖', path: '/pages/draw/index?code=spring-draw' })
  })

  it('draws a free draw without asking', async () => {
    backend({ [ACTIVITY]: () => activity(), [DRAW]: () => drawResult(2, { free: true, pointsSpent: 0 }) })
    render(<DrawPage />)
    await tap(await screen.findByText('免费抽奖'))
    expect(mockTaro.showModal).not.toHaveBeenCalled()
    expect(callsOf(DRAW)).toEqual([{ params: { code: 'lucky-grid' } }])
  })

  it('asks before spending points, and draws nothing when the member declines', async () => {
    backend({ [ACTIVITY]: () => activity({ freeDrawsLeftToday: 0 }), [DRAW]: () => drawResult(2) })
    render(<DrawPage />)
    await screen.findByTestId('draw-start')

    mockTaro.showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    await tap(start())
    expect(mockTaro.showModal).toHaveBeenCalledWith({ title: '确认抽奖', content: '消耗 50 积分抽奖一次？' })
    expect(callsOf(DRAW)).toHaveLength(0)
    expect(start().getAttribute('aria-disabled')).toBe('false')

    await tap(start())
    expect(callsOf(DRAW)).toEqual([{ params: { code: 'lucky-grid' } }])
  })

  it('runs the highlight while waiting, and stops it on the slot the server picked', async () => {
    let answer!: (result: DrawResult) => void
    backend({ [ACTIVITY]: () => activity(), [DRAW]: () => new Promise<DrawResult>((resolve) => (answer = resolve)) })
    render(<DrawPage />)
    await tap(await screen.findByTestId('draw-start'))
    expect(lit()).toEqual(['draw-cell-0'])
    expect(start().getAttribute('aria-disabled')).toBe('true')

    // Round and round for as long as the server takes: 20 steps of 60 ms.
    await elapse(20 * 60)
    expect(lit()).toEqual(['draw-cell-4'])
    await tap(start())
    expect(callsOf(DRAW)).toHaveLength(1)

    await act(async () => answer(drawResult(6)))
    // At least two more rounds before it rests.
    await elapse(16 * 60 - 1)
    expect(screen.queryByTestId('draw-result')).toBeNull()
    await elapse(10_000)
    expect(lit()).toEqual(['draw-cell-6'])
    expect(screen.getByTestId('draw-result')).toBeTruthy()
    expect(start().getAttribute('aria-disabled')).toBe('false')
  })

  it('for points says they have arrived, and shows the new balance and counts', async () => {
    const result = await drawOnce(drawResult(6, { balance: 1650, freeDrawsLeftToday: 0, drawsLeftToday: 9 }))
    expect(result.getByText('获得 500 积分，已到账')).toBeTruthy()
    expect(result.getByText('当前积分 1,650 积分')).toBeTruthy()
    expect(text('draw-balance')).toBe('1,650 积分')
    expect(text('draw-free-left')).toBe('今日免费 0 次')
    expect(text('draw-left')).toBe('今日还可抽 9 次')
    // And the activity is asked again for what the draw's answer does not say.
    expect(callsOf(ACTIVITY)).toHaveLength(2)
  })

  it('for a coupon shows it and leads to 我的优惠券', async () => {
    const result = await drawOnce(drawResult(1))
    expect(result.getByText('优惠券已放入「我的优惠券」')).toBeTruthy()
    expect(result.getByText('¥20')).toBeTruthy()
    expect(result.getByText('满199可用')).toBeTruthy()
    expect(result.getByText('满199减20')).toBeTruthy()
    await tap(result.getByText('查看我的优惠券'))
    expect(mockTaro.navigateTo).toHaveBeenCalledWith({ url: '/pages/coupons/index' })
  })

  it('for a gift gives the claim deadline and takes the address', async () => {
    process.env.TARO_ENV = 'weapp'
    mockTaro.chooseAddress.mockResolvedValue(wechatAddress)
    try {
      const result = await drawOnce(drawResult(4))
      expect(result.getByText('恭喜获得 随行保温杯')).toBeTruthy()
      expect(result.getByText('请在 2030-01-08 12:00 前填写收货地址')).toBeTruthy()
      backend({
        [ACTIVITY]: () => activity(),
        'POST /api/draw/prizes/:drawNo/claim': (input) => ({ drawNo: input.params.drawNo, status: 'claimed' })
      })
      await tap(result.getByText('填写地址'))
      const form = within(screen.getByTestId('claim-popup'))
      await tap(form.getByText('使用微信地址'))
      await tap(form.getByText('提交收货地址'))
      await elapse(0)
      expect(callsOf('POST /api/draw/prizes/:drawNo/claim')).toEqual([
        {
          params: { drawNo: 'D2030010100000001' },
          body: { address: { name: '张三', phone: '13800138000', region: '上海市 上海市 静安区', detail: '南京西路 1266 号' } }
        }
      ])
      expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '已提交，等待发货', icon: 'success' })
    } finally {
      process.env.TARO_ENV = 'h5'
    }
  })

  it('for 谢谢参与 says so', async () => {
    const result = await drawOnce(drawResult(2, { free: true, pointsSpent: 0 }))
    expect(result.getByText('谢谢参与，再接再厉')).toBeTruthy()
    expect(result.getByText('本次为免费抽奖')).toBeTruthy()
  })

  it('stops the highlight and says why when the server refuses the draw', async () => {
    backend({
      [ACTIVITY]: () => activity(),
      [DRAW]: () => {
        throw new ApiError('DRAW_DAILY_LIMIT', '今日抽奖次数已用完，明天再来吧', 409)
      }
    })
    render(<DrawPage />)
    await tap(await screen.findByTestId('draw-start'))
    await elapse(1000)
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '今日抽奖次数已用完，明天再来吧', icon: 'none' })
    expect(lit()).toEqual([])
    expect(screen.queryByTestId('draw-result')).toBeNull()
    expect(start().getAttribute('aria-disabled')).toBe('false')
    expect(callsOf(ACTIVITY)).toHaveLength(2)
  })

  it('disables the start button and shows why when the member cannot draw', async () => {
    backend({ [ACTIVITY]: () => activity({ blockedReason: '今日抽奖次数已用完' }) })
    render(<DrawPage />)
    await screen.findByTestId('draw-start')
    expect(text('draw-start')).toBe('抽奖今日抽奖次数已用完')
    expect(start().getAttribute('aria-disabled')).toBe('true')
    await tap(start())
    expect(mockTaro.showModal).not.toHaveBeenCalled()
    expect(callsOf(DRAW)).toHaveLength(0)
  })

  it('shows an error with 重试, and sends a non-member to join', async () => {
    let answer: () => unknown = () => {
      throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
    }
    backend({ [ACTIVITY]: () => answer() })
    render(<DrawPage />)
    expect(await screen.findByText('网络不给力，请检查网络后重试')).toBeTruthy()
    answer = () => {
      throw new ApiError('NOT_A_MEMBER', '您还不是会员，请先加入会员', 404)
    }
    await tap(screen.getByText('重试'))
    expect(await screen.findByText('您还不是会员')).toBeTruthy()
  })
})
