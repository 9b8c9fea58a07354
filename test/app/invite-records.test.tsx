import { act, fireEvent, render, screen, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { ApiError } from '../../src/api/client'
import { api } from '../../src/api'
import InviteLeaderboardPage from '../../src/pages/invite/leaderboard'
import InviteRecordsPage from '../../src/pages/invite/records'
import { inviteRecord } from './invite-fixtures'
import { backend } from './shop-fixtures'
import { brief, diamond, gold, normal, silver } from './tier-fixtures'

const mockPullDown = jest.fn()
jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = { ...actual.default, showToast: jest.fn(async () => undefined), redirectTo: jest.fn(async () => undefined), stopPullDownRefresh: jest.fn() }
  return { __esModule: true, ...actual, ...taro, default: taro, usePullDownRefresh: (handler: unknown) => mockPullDown(handler) }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const taroMocks = ['showToast', 'redirectTo', 'stopPullDownRefresh'] as const
const mockTaro = Taro as unknown as Record<(typeof taroMocks)[number], jest.Mock>
const networkError = () => {
  throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
}

async function tap(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element)
  })
}

async function pullDown() {
  const handler = mockPullDown.mock.calls[mockPullDown.mock.calls.length - 1][0] as () => Promise<void>
  await act(async () => {
    await handler()
  })
}

beforeEach(() => {
  ;(api as unknown as jest.Mock).mockReset()
  mockPullDown.mockReset()
  for (const name of taroMocks) mockTaro[name].mockClear()
})

describe('邀请记录', () => {
  it('lists each friend with the status, the reason, the points brought and the channel', async () => {
    backend({
      'GET /api/referral/invites': () => ({
        items: [
          inviteRecord({ friend: '张**', status: 'pending', points: 0, joinedAt: null, channel: 'poster' }),
          inviteRecord({ friend: '会员****23', status: 'joined', reason: '风险审核中', points: 0 }),
          inviteRecord({ friend: '赵**', status: 'ineligible', reason: '邀请人今日奖励已达上限（10 人）', points: 0 }),
          inviteRecord({ friend: '李**', status: 'joined', points: 50, invitedAt: '2030-03-04T02:00:00.000Z' })
        ]
      })
    })
    render(<InviteRecordsPage />)
    const rows = await screen.findAllByTestId('invite-record')
    expect(rows.map((row) => row.textContent)).toEqual([
      '张**待加入2030-03-04邀请 · 海报',
      '会员****23已加入2030-03-04邀请 · 卡片风险审核中',
      '赵**不符合条件2030-03-04邀请 · 卡片邀请人今日奖励已达上限（10 人）',
      '李**已加入2030-03-04邀请 · 卡片+50 积分'
    ])
    expect(within(rows[3]).getByText('+50 积分')).toBeTruthy()
  })

  it('with no invites yet leads to 邀请好友', async () => {
    backend({ 'GET /api/referral/invites': () => ({ items: [] }) })
    render(<InviteRecordsPage />)
    expect(await screen.findByText('还没有邀请记录')).toBeTruthy()
    await tap(screen.getByText('邀请好友'))
    expect(mockTaro.redirectTo).toHaveBeenCalledWith({ url: '/pages/invite/index' })
  })

  it('shows an error with 重试, and refreshes on a pull-down keeping the list when that fails', async () => {
    let answer: () => unknown = networkError
    backend({ 'GET /api/referral/invites': () => answer() })
    render(<InviteRecordsPage />)
    expect(await screen.findByText('网络不给力，请检查网络后重试')).toBeTruthy()

    answer = () => ({ items: [inviteRecord({ friend: '李**' })] })
    await tap(screen.getByText('重试'))
    expect(await screen.findByText('李**')).toBeTruthy()

    answer = () => ({ items: [inviteRecord({ friend: '周**', status: 'pending', points: 0 }), inviteRecord({ friend: '李**' })] })
    await pullDown()
    expect(screen.getByText('周**')).toBeTruthy()
    expect(mockTaro.stopPullDownRefresh).toHaveBeenCalledTimes(1)

    answer = networkError
    await pullDown()
    expect(screen.getByText('周**')).toBeTruthy()
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '网络不给力，请检查网络后重试', icon: 'none' })
    expect(mockTaro.stopPullDownRefresh).toHaveBeenCalledTimes(2)
  })
})

describe('邀请排行榜', () => {
  const items = [
    { rank: 1, name: '王**', tier: brief(diamond), invites: 12 },
    { rank: 2, name: '会员****07', tier: brief(gold), invites: 9 },
    { rank: 3, name: '陈**', tier: brief(silver), invites: 5 },
    { rank: 4, name: '刘**', tier: brief(normal), invites: 2 }
  ]

  it("shows this week's ranks with the top three highlighted, and the member's own place", async () => {
    backend({ 'GET /api/referral/leaderboard': () => ({ weekStart: '2030-03-04', items, me: { rank: 4, invites: 2 } }) })
    render(<InviteLeaderboardPage />)
    expect((await screen.findByTestId('my-rank')).textContent).toBe('您本周邀请 2 人，排名第 4')
    expect(screen.getByText('本周（3月4日起）')).toBeTruthy()
    const rows = screen.getAllByTestId('board-row')
    expect(rows.map((row) => row.textContent)).toEqual(['1王**钻石12 人', '2会员****07金卡9 人', '3陈**银卡5 人', '4刘**普通会员2 人'])
    expect(rows.map((row) => row.className.match(/invite-board__row--top\d/)?.[0] ?? null)).toEqual([
      'invite-board__row--top1',
      'invite-board__row--top2',
      'invite-board__row--top3',
      null
    ])
    expect(within(rows[0]).getByLabelText('会员等级：钻石')).toBeTruthy()
  })

  it('says a member without a place this week is not on the board yet', async () => {
    backend({ 'GET /api/referral/leaderboard': () => ({ weekStart: '2030-03-04', items: [], me: { rank: null, invites: 0 } }) })
    render(<InviteLeaderboardPage />)
    expect((await screen.findByTestId('my-rank')).textContent).toBe('本周还未上榜')
    expect(screen.getByText('本周还没有人上榜')).toBeTruthy()
  })
})
