import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { ApiError } from '../../src/api/client'
import { api } from '../../src/api'
import InvitePage from '../../src/pages/invite'
import MinePage from '../../src/pages/mine'
import { useMemberStore } from '../../src/stores/member'
import { inviteSummary } from './invite-fixtures'
import { backend, callsOf } from './shop-fixtures'
import { memberCard, memberTier } from './tier-fixtures'

type ShareHandler = () => { title: string; path: string; promise?: Promise<{ title: string; path: string }> }
const mockShare = jest.fn()
jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = { ...actual.default, showToast: jest.fn(async () => undefined), navigateTo: jest.fn(async () => undefined) }
  return {
    __esModule: true,
    ...actual,
    ...taro,
    default: taro,
    useShareAppMessage: (handler: unknown) => mockShare(handler),
    useDidShow: () => undefined
  }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const mockTaro = Taro as unknown as Record<'showToast' | 'navigateTo', jest.Mock>
/** The share handler the page registered last (it is registered on every render). */
const shareHandler = () => mockShare.mock.calls[mockShare.mock.calls.length - 1][0] as ShareHandler

async function tap(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element)
  })
}

beforeEach(() => {
  ;(api as unknown as jest.Mock).mockReset()
  mockShare.mockReset()
  mockTaro.showToast.mockClear()
  mockTaro.navigateTo.mockClear()
})

describe('邀请好友', () => {
  it('shows the reward rules, the daily limit and what invites have brought', async () => {
    backend({ 'GET /api/referral/me': () => inviteSummary({ invitedCount: 12, pointsEarned: 1250 }) })
    render(<InvitePage />)
    expect((await screen.findByTestId('invite-rule')).textContent).toBe('每成功邀请 1 位好友 +50 积分，好友得新人满100减20券')
    expect(screen.getByText('每日最多奖励 10 位')).toBeTruthy()
    expect(screen.getByTestId('invite-count').textContent).toBe('12')
    expect(screen.getByTestId('invite-points').textContent).toBe('1,250')
    expect(screen.getByText('分享给好友')).toBeTruthy()
    expect(screen.getByText('生成海报')).toBeTruthy()
    // A member with a nickname is not asked for one.
    expect(screen.queryAllByPlaceholderText('点击填写或使用微信昵称')).toEqual([])

    await tap(screen.getByText('邀请记录'))
    expect(mockTaro.navigateTo).toHaveBeenCalledWith({ url: '/pages/invite/records' })
    await tap(screen.getByText('邀请排行榜'))
    expect(mockTaro.navigateTo).toHaveBeenCalledWith({ url: '/pages/invite/leaderboard' })
  })

  it('leaves the coupon out of the rules when there is no new-member coupon', async () => {
    backend({ 'GET /api/referral/me': () => inviteSummary({ rules: { inviterPoints: 80, dailyRewardLimit: 5, friendCoupon: null } }) })
    render(<InvitePage />)
    expect((await screen.findByTestId('invite-rule')).textContent).toBe('每成功邀请 1 位好友 +80 积分')
  })

  it('shares a card titled for the member, leading to the landing with the code, the channel and the recorded share', async () => {
    backend({
      'GET /api/referral/me': () => inviteSummary(),
      'POST /api/referral/shares': () => ({ shareId: 41 })
    })
    render(<InvitePage />)
    await screen.findByTestId('invite-rule')
    const card = shareHandler()()
    expect(card.title).toBe('王小慧邀你加入乐享会员，领新人满100减20券')
    // Shown at once if WeChat does not wait: the code without a share id.
    expect(card.path).toBe('/pages/invite/landing?code=K7M2QX&channel=card')
    expect(await card.promise).toEqual({ title: card.title, path: '/pages/invite/landing?code=K7M2QX&channel=card&share=41' })
    expect(callsOf('POST /api/referral/shares')).toEqual([{ body: { channel: 'card' } }])
    expect(card).not.toHaveProperty('imageUrl')
  })

  it('still shares, without a share id, when recording the share fails; and calls a member without a nickname 好友', async () => {
    backend({
      'GET /api/referral/me': () => inviteSummary({ nickname: null }),
      'POST /api/referral/shares': () => {
        throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
      }
    })
    render(<InvitePage />)
    await screen.findByTestId('invite-rule')
    const card = shareHandler()()
    expect(await card.promise).toEqual({ title: '好友邀你加入乐享会员，领新人满100减20券', path: '/pages/invite/landing?code=K7M2QX&channel=card' })
  })

  it('asks a member without a nickname for one and saves it', async () => {
    backend({
      'GET /api/referral/me': () => inviteSummary({ nickname: null }),
      'POST /api/referral/nickname': ({ body }) => ({ nickname: body.nickname })
    })
    render(<InvitePage />)
    // Taro's h5 Input wraps the real <input>, which is where typing happens; the wrapper renders it
    // a moment after itself, so the test waits for it rather than finding it missing now and then.
    const field = await screen.findByPlaceholderText('点击填写或使用微信昵称')
    const input = await waitFor(() => {
      const inner = field.querySelector('input')
      if (!inner) throw new Error('the inner <input> is not rendered yet')
      return inner
    })
    await act(async () => {
      fireEvent.input(input, { target: { value: ' 阿花 ' } })
    })
    await tap(screen.getByText('保存'))
    await waitFor(() => expect(callsOf('POST /api/referral/nickname')).toEqual([{ body: { nickname: '阿花' } }]))
    expect(await screen.findByText('阿花')).toBeTruthy()
    expect(screen.queryAllByPlaceholderText('点击填写或使用微信昵称')).toEqual([])
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '昵称已保存', icon: 'success' })
  })

  it('sends a non-member to join, and offers 重试 after an error', async () => {
    let answer: () => unknown = () => {
      throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
    }
    backend({ 'GET /api/referral/me': () => answer() })
    render(<InvitePage />)
    expect(await screen.findByText('网络不给力，请检查网络后重试')).toBeTruthy()
    answer = () => {
      throw new ApiError('NOT_A_MEMBER', '您还不是会员，请先加入会员', 404)
    }
    await tap(screen.getByText('重试'))
    expect(await screen.findByText('您还不是会员')).toBeTruthy()
    // Sharing before the summary is there never sends a card without a code.
    expect(shareHandler()()).toEqual({ title: '乐享会员', path: '/pages/member/index' })
  })
})

describe('邀请有礼 in 我的', () => {
  it('opens the invite page', async () => {
    useMemberStore.setState({ status: 'member', card: memberCard(), error: null })
    backend({ 'GET /api/members/me/tier': () => memberTier() })
    render(<MinePage />)
    await tap(await screen.findByText('邀请有礼'))
    expect(mockTaro.navigateTo).toHaveBeenCalledWith({ url: '/pages/invite/index' })
  })
})
