import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { api } from '../../src/api'
import MemberPage, { MemberCardView } from '../../src/pages/member'
import { useMemberStore } from '../../src/stores/member'
import { backend, callsOf } from './shop-fixtures'
import { brief, memberCard, silver, tierDetails } from './tier-fixtures'

// The page loads on useDidShow, which needs a real page instance: the tests put the card in the store instead.
jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = { ...actual.default, navigateTo: jest.fn(async () => undefined), stopPullDownRefresh: jest.fn() }
  return { __esModule: true, ...actual, ...taro, default: taro, useDidShow: () => undefined, useDidHide: () => undefined, usePullDownRefresh: () => undefined }
})
jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())

const memberCode = { code: 'LM1-abc', expiresAt: '2030-01-01T00:01:00.000Z', refreshInSeconds: 60 }

async function tap(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element)
  })
}

beforeEach(() => {
  ;(api as unknown as jest.Mock).mockReset()
  ;(Taro.navigateTo as jest.Mock).mockClear()
})

describe('the tier-up celebration', () => {
  it('congratulates once, records the rank when dismissed and reloads the card', async () => {
    useMemberStore.setState({ status: 'member', card: memberCard({ celebrate: brief(silver) }), error: null })
    backend({
      'GET /api/members/me/code': () => memberCode,
      'GET /api/tiers': () => ({ items: tierDetails }),
      'POST /api/members/me/tier/celebrated': () => ({ celebratedRank: 1 }),
      'GET /api/members/me': () => memberCard()
    })
    render(<MemberPage />)
    expect(await screen.findByText('恭喜升级为 银卡')).toBeTruthy()
    expect(await screen.findByText('购物积分 ×1.2')).toBeTruthy()
    expect(screen.getByTestId('tier-celebration').querySelector('.tier-badge--large.tier-badge--rank1')).toBeTruthy()

    await tap(screen.getByText('我知道了'))
    await waitFor(() => expect(callsOf('GET /api/members/me')).toHaveLength(1))
    expect(callsOf('POST /api/members/me/tier/celebrated')).toEqual([{ body: { rank: 1 } }])
    expect(useMemberStore.getState().card?.celebrate).toBeNull()
    await waitFor(() => expect(screen.queryByText('恭喜升级为 银卡')).toBeNull())
  })

  it('is not shown when there is nothing to celebrate', async () => {
    useMemberStore.setState({ status: 'member', card: memberCard(), error: null })
    backend({ 'GET /api/members/me/code': () => memberCode })
    render(<MemberPage />)
    await screen.findByTestId('member-card')
    expect(screen.queryByTestId('tier-celebration')).toBeNull()
    expect(screen.queryByText(/恭喜升级/)).toBeNull()
    expect(callsOf('GET /api/tiers')).toEqual([])
    expect(callsOf('POST /api/members/me/tier/celebrated')).toEqual([])
  })
})

describe('the member card', () => {
  it('opens 会员等级 from the badge and from the progress', async () => {
    render(<MemberCardView card={memberCard()} />)
    await tap(screen.getByLabelText('会员等级：银卡'))
    await tap(screen.getByText('再获得 4,000 成长值升级为金卡'))
    expect(Taro.navigateTo).toHaveBeenCalledTimes(2)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/tier/index' })
  })
})
