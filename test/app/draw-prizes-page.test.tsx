import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { ApiError } from '../../src/api/client'
import { api } from '../../src/api'
import PrizesPage from '../../src/pages/draw/prizes'
import { prizeAt, wonPrize } from './draw-fixtures'
import { address, backend, callsOf, wechatAddress } from './shop-fixtures'

const mockPullDown = jest.fn()

jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = {
    ...actual.default,
    showToast: jest.fn(async () => undefined),
    navigateTo: jest.fn(async () => undefined),
    chooseAddress: jest.fn(),
    stopPullDownRefresh: jest.fn()
  }
  return { __esModule: true, ...actual, ...taro, default: taro, usePullDownRefresh: (handler: unknown) => mockPullDown(handler) }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const taroMocks = ['showToast', 'navigateTo', 'chooseAddress', 'stopPullDownRefresh'] as const
const mockTaro = Taro as unknown as Record<(typeof taroMocks)[number], jest.Mock>
const CLAIM = 'POST /api/draw/prizes/:drawNo/claim'

const cup = wonPrize({ drawNo: 'D2030010100000004', prize: prizeAt(4), status: 'to_claim', claimDeadline: '2030-01-08T04:00:00.000Z' })
const items = [
  cup,
  wonPrize({ drawNo: 'D2030010100000003', prize: prizeAt(0), status: 'awarded' }),
  wonPrize({ drawNo: 'D2030010100000002', prize: prizeAt(7), status: 'claimed', claimDeadline: '2030-01-08T04:00:00.000Z' }),
  wonPrize({ drawNo: 'D2030010100000001', prize: prizeAt(4), status: 'shipped', shipping: { carrier: '顺丰速运', trackingNo: 'SF1234567890' } }),
  wonPrize({ drawNo: 'D2029120100000009', prize: prizeAt(7), status: 'expired', claimDeadline: '2029-12-08T04:00:00.000Z', activityName: '双旦抽奖' })
]

async function tap(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element)
  })
}

const row = (drawNo: string) => within(screen.getByTestId(`prize-${drawNo}`))

beforeEach(() => {
  ;(api as unknown as jest.Mock).mockReset()
  taroMocks.forEach((name) => mockTaro[name].mockReset())
})

afterEach(() => {
  process.env.TARO_ENV = 'h5'
})

describe('我的奖品', () => {
  it('lists each prize with its status, and what is left to do', async () => {
    backend({ 'GET /api/draw/prizes': () => ({ items }) })
    render(<PrizesPage />)
    await screen.findByTestId('prize-D2030010100000004')
    expect(screen.getAllByTestId('prize-status').map((tag) => tag.textContent)).toEqual(['待领取', '已发放', '已领取', '已发货', '已过期'])

    const toClaim = row('D2030010100000004')
    expect(toClaim.getByText('随行保温杯')).toBeTruthy()
    expect(toClaim.getByLabelText('实物奖品')).toBeTruthy()
    expect(toClaim.getByText('幸运九宫格')).toBeTruthy()
    expect(toClaim.getByText('中奖时间 2030-01-01 12:00')).toBeTruthy()
    expect(toClaim.getByText('请在 2030-01-08 12:00 前填写收货地址')).toBeTruthy()
    expect(toClaim.getByText('领取')).toBeTruthy()

    expect(row('D2030010100000003').getByLabelText('积分')).toBeTruthy()
    expect(row('D2030010100000002').getByText('等待发货')).toBeTruthy()
    expect(row('D2030010100000001').getByText('顺丰速运 SF1234567890')).toBeTruthy()
    expect(row('D2029120100000009').getByText('双旦抽奖')).toBeTruthy()
    // Only a prize waiting for its address can be claimed.
    expect(screen.getAllByText('领取')).toHaveLength(1)
  })

  it('claims a gift with the address, and shows it as 已领取', async () => {
    process.env.TARO_ENV = 'weapp'
    mockTaro.chooseAddress.mockResolvedValue(wechatAddress)
    backend({
      'GET /api/draw/prizes': () => ({ items }),
      [CLAIM]: () => ({ ...cup, status: 'claimed' })
    })
    render(<PrizesPage />)
    await tap(await screen.findByText('领取'))
    const form = within(screen.getByTestId('claim-popup'))

    // An empty form is not sent.
    await tap(form.getByText('提交收货地址'))
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '请填写完整的收货信息', icon: 'none' })
    expect(callsOf(CLAIM)).toHaveLength(0)

    await tap(form.getByText('使用微信地址'))
    await tap(form.getByText('提交收货地址'))
    await waitFor(() => expect(callsOf(CLAIM)).toEqual([{ params: { drawNo: 'D2030010100000004' }, body: { address } }]))
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '已提交，等待发货', icon: 'success' })
    expect(await row('D2030010100000004').findByText('已领取')).toBeTruthy()
    expect(row('D2030010100000004').getByText('等待发货')).toBeTruthy()
    expect(screen.queryByText('领取')).toBeNull()
  })

  it('toasts a refused claim and keeps the prize claimable', async () => {
    process.env.TARO_ENV = 'weapp'
    mockTaro.chooseAddress.mockResolvedValue({ userName: '李四', telNumber: '13900139000', provinceName: '北京市', cityName: '北京市', countyName: '朝阳区', detailInfo: '建国路 1 号' })
    backend({
      'GET /api/draw/prizes': () => ({ items: [cup] }),
      [CLAIM]: () => {
        throw new ApiError('PRIZE_NOT_CLAIMABLE', '该奖品无需领取、已领取或已过期', 409)
      }
    })
    render(<PrizesPage />)
    await tap(await screen.findByText('领取'))
    const form = within(screen.getByTestId('claim-popup'))
    await tap(form.getByText('使用微信地址'))
    await tap(form.getByText('提交收货地址'))
    await waitFor(() => expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '该奖品无需领取、已领取或已过期', icon: 'none' }))
    expect(row('D2030010100000004').getByText('待领取')).toBeTruthy()
  })

  it('refreshes on pull-down, keeping the list when the refresh fails', async () => {
    let answer: () => unknown = () => ({ items: [cup] })
    backend({ 'GET /api/draw/prizes': () => answer() })
    render(<PrizesPage />)
    await screen.findByTestId('prize-D2030010100000004')
    const pullDown = async () => {
      const handler = mockPullDown.mock.calls[mockPullDown.mock.calls.length - 1][0] as () => Promise<void>
      await act(handler)
    }

    answer = () => ({ items: [{ ...cup, status: 'expired' }] })
    await pullDown()
    expect(row('D2030010100000004').getByText('已过期')).toBeTruthy()
    expect(Taro.stopPullDownRefresh).toHaveBeenCalledTimes(1)

    answer = () => {
      throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
    }
    await pullDown()
    expect(row('D2030010100000004').getByText('已过期')).toBeTruthy()
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '网络不给力，请检查网络后重试', icon: 'none' })
    expect(Taro.stopPullDownRefresh).toHaveBeenCalledTimes(2)
  })

  it('with no prizes yet leads to the draw', async () => {
    backend({ 'GET /api/draw/prizes': () => ({ items: [] }) })
    render(<PrizesPage />)
    await tap(await screen.findByText('去抽奖'))
    expect(screen.getByText('还没有奖品')).toBeTruthy()
    expect(mockTaro.navigateTo).toHaveBeenCalledWith({ url: '/pages/draw/index' })
  })

  it('shows an error with 重试, and sends a non-member to join', async () => {
    let answer: () => unknown = () => {
      throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
    }
    backend({ 'GET /api/draw/prizes': () => answer() })
    render(<PrizesPage />)
    expect(await screen.findByText('网络不给力，请检查网络后重试')).toBeTruthy()
    answer = () => {
      throw new ApiError('NOT_A_MEMBER', '您还不是会员，请先加入会员', 404)
    }
    await tap(screen.getByText('重试'))
    expect(await screen.findByText('您还不是会员')).toBeTruthy()
  })
})
