import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { StrictMode } from 'react'
import { ApiError } from '../../src/api/client'
import { api } from '../../src/api'
import InviteLandingPage from '../../src/pages/invite/landing'
import { inviteFromParams } from '../../src/pages/invite/landing-params'
import { useMemberStore } from '../../src/stores/member'
import { landingAnswer } from './invite-fixtures'
import { backend, callsOf } from './shop-fixtures'
import { memberCard } from './tier-fixtures'

let mockParams: Record<string, string> = {}
jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = { ...actual.default, switchTab: jest.fn(async () => undefined), showToast: jest.fn(async () => undefined) }
  return { __esModule: true, ...actual, ...taro, default: taro, useRouter: () => ({ params: mockParams }) }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const mockTaro = Taro as unknown as Record<'switchTab' | 'showToast', jest.Mock>
const LANDING = 'GET /api/referral/landing/:code'
const VISIT = 'POST /api/referral/visits'
const JOIN = 'POST /api/members/join'

async function tap(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element)
  })
}

beforeEach(() => {
  ;(api as unknown as jest.Mock).mockReset()
  mockTaro.switchTab.mockClear()
  mockTaro.showToast.mockClear()
  useMemberStore.setState({ status: 'idle', card: null, error: null })
})

describe("the friend's landing", () => {
  it('reads the invite from ?code=, shows the inviter and the gift, records the visit once and joins online', async () => {
    mockParams = { code: 'K7M2QX', channel: 'card', share: '41' }
    const order: string[] = []
    backend({
      [LANDING]: () => landingAnswer(),
      [VISIT]: () => {
        order.push('visit')
        return { bound: true, reason: null }
      },
      [JOIN]: () => {
        order.push('join')
        return { card: memberCard(), joinedNow: true, welcomePoints: 100 }
      }
    })
    // StrictMode runs the page's effects twice, as a page shown again might: the visit still posts once.
    render(
      <StrictMode>
        <InviteLandingPage />
      </StrictMode>
    )
    expect((await screen.findByTestId('inviter-name')).textContent).toBe('王**')
    expect(screen.getByLabelText('会员等级：金卡')).toBeTruthy()
    expect(screen.getByText('新人满100减20券')).toBeTruthy()
    expect(screen.getByText('¥20')).toBeTruthy()
    expect(new Set(callsOf(LANDING).map((input) => JSON.stringify(input)))).toEqual(new Set([JSON.stringify({ params: { code: 'K7M2QX' } })]))

    await tap(screen.getByText('加入会员'))
    expect(await screen.findByText('欢迎加入乐享会员')).toBeTruthy()
    expect(screen.getByTestId('welcome-points').textContent).toBe('入会赠送 100 积分')
    expect(screen.getByText('邀请礼已放入您的卡包')).toBeTruthy()
    expect(screen.getByText('新人满100减20券')).toBeTruthy()
    expect(callsOf(VISIT)).toEqual([{ body: { code: 'K7M2QX', channel: 'card', shareId: 41 } }])
    expect(callsOf(JOIN)).toEqual([{ body: {} }])
    expect(order).toEqual(['visit', 'join'])
    expect(useMemberStore.getState().status).toBe('member')

    await tap(screen.getByText('查看会员卡'))
    expect(mockTaro.switchTab).toHaveBeenCalledWith({ url: '/pages/member/index' })
  })

  it('reads the invite from a scanned poster scene, as the poster channel', async () => {
    mockParams = { scene: 'i%3DK7M2QX' }
    backend({ [LANDING]: () => landingAnswer(), [VISIT]: () => ({ bound: true, reason: null }) })
    render(<InviteLandingPage />)
    await screen.findByTestId('inviter-name')
    expect(callsOf(LANDING)).toEqual([{ params: { code: 'K7M2QX' } }])
    expect(callsOf(VISIT)).toEqual([{ body: { code: 'K7M2QX', channel: 'poster' } }])
  })

  it('says the invite code is not valid for a garbage scene, without asking the server', async () => {
    mockParams = { scene: 's%3DSH001' }
    backend({})
    render(<InviteLandingPage />)
    expect(await screen.findByText('邀请码无效')).toBeTruthy()
    expect((api as unknown as jest.Mock).mock.calls).toEqual([])
    await tap(screen.getByText('去会员中心'))
    expect(mockTaro.switchTab).toHaveBeenCalledWith({ url: '/pages/member/index' })
  })

  it('says the invite code is not valid when the server does not know it', async () => {
    mockParams = { code: 'ZZZZZZ' }
    const notFound = () => {
      throw new ApiError('INVITE_NOT_FOUND', '邀请码无效或邀请已失效', 404)
    }
    backend({ [LANDING]: notFound, [VISIT]: notFound })
    render(<InviteLandingPage />)
    expect(await screen.findByText('邀请码无效')).toBeTruthy()
    expect(screen.getByText('邀请码无效或邀请已失效')).toBeTruthy()
  })

  it('someone invited by another friend first can still join, without this invite gift', async () => {
    mockParams = { code: 'K7M2QX' }
    backend({
      [LANDING]: () => landingAnswer({ eligible: false, reason: '已接受过其他好友的邀请' }),
      [VISIT]: () => ({ bound: false, reason: '已接受过其他好友的邀请' }),
      'POST /api/members/join': () => ({ card: memberCard(), joinedNow: true, welcomePoints: 100 })
    })
    render(<InviteLandingPage />)
    expect(await screen.findByText('已接受过其他好友的邀请，仍可直接加入会员')).toBeTruthy()
    expect(screen.queryByText('新人满100减20券')).toBeNull()
    await tap(screen.getByText('加入会员'))
    await waitFor(() => expect(callsOf('POST /api/members/join')).toEqual([{ body: {} }]))
  })

  it('tells a member there is no gift, and leads to the member centre', async () => {
    mockParams = { code: 'K7M2QX' }
    backend({ [LANDING]: () => landingAnswer({ eligible: false, reason: '已是会员', member: true }), [VISIT]: () => ({ bound: false, reason: '已是会员' }) })
    render(<InviteLandingPage />)
    expect(await screen.findByText('您已是会员，无法领取邀请礼')).toBeTruthy()
    expect(screen.queryByText('加入会员')).toBeNull()
    expect(screen.queryByText('新人满100减20券')).toBeNull()
    await tap(screen.getByText('去会员中心'))
    expect(mockTaro.switchTab).toHaveBeenCalledWith({ url: '/pages/member/index' })
  })

  it('still joins when recording the visit failed, and sends someone who already was a member to the card', async () => {
    mockParams = { code: 'K7M2QX', channel: 'poster' }
    backend({
      [LANDING]: () => landingAnswer(),
      [VISIT]: () => {
        throw new ApiError('NETWORK', '网络不给力，请检查网络后重试', 0)
      },
      [JOIN]: () => ({ card: memberCard(), joinedNow: false, welcomePoints: 0 })
    })
    render(<InviteLandingPage />)
    await tap(await screen.findByText('加入会员'))
    await waitFor(() => expect(mockTaro.switchTab).toHaveBeenCalledWith({ url: '/pages/member/index' }))
    expect(mockTaro.showToast).toHaveBeenCalledWith({ title: '您已是会员', icon: 'none' })
    expect(callsOf(JOIN)).toEqual([{ body: {} }])
  })
})

describe('reading the invite from the page parameters', () => {
  it('takes a card’s code, channel and share id, or a poster’s scene', () => {
    expect(inviteFromParams({ code: 'K7M2QX' })).toEqual({ kind: 'invite', code: 'K7M2QX', channel: 'card' })
    expect(inviteFromParams({ code: 'K7M2QX', channel: 'poster', share: '7' })).toEqual({ kind: 'invite', code: 'K7M2QX', channel: 'poster', shareId: 7 })
    expect(inviteFromParams({ scene: 'i=K7M2QX', channel: 'card' })).toEqual({ kind: 'invite', code: 'K7M2QX', channel: 'poster' })
  })

  it('drops a malformed share id but keeps the invite; anything else malformed is invalid', () => {
    for (const share of ['0', '-1', 'abc', '2147483648', '1.5']) {
      expect(inviteFromParams({ code: 'K7M2QX', share })).toEqual({ kind: 'invite', code: 'K7M2QX', channel: 'card' })
    }
    for (const params of [{}, { code: 'k7m2qx' }, { code: 'K7M2Q' }, { scene: '' }, { scene: 'i=K7M2Q1' }, { scene: '%E0%A4%A' }, { scene: 's=SH001' }]) {
      expect(inviteFromParams(params)).toEqual({ kind: 'invalid' })
    }
  })
})
