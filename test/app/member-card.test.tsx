import { render, screen } from '@testing-library/react'
import TestUtils from '@tarojs/test-utils-react'
import type { MemberCard } from '../../types'
import { tierProgressPercent } from '../../src/components/tier-progress'
import { MemberCardView } from '../../src/pages/member'

const tiers = {
  normal: { code: 'normal', name: '普通会员', rank: 0, growthThreshold: 0 },
  silver: { code: 'silver', name: '银卡', rank: 1, growthThreshold: 1000 },
  gold: { code: 'gold', name: '金卡', rank: 2, growthThreshold: 5000 },
  diamond: { code: 'diamond', name: '钻石', rank: 3, growthThreshold: 20000 }
}

const newMember: MemberCard = {
  memberNo: '10000001',
  joinedAt: '2026-11-24T03:00:00.000Z',
  joinedStore: { code: 'SH001', name: '上海南京西路旗舰店' },
  tier: tiers.normal,
  nextTier: tiers.silver,
  growth: 0,
  points: { balance: 100, pending: 0 },
  celebrate: null
}

describe('the member card', () => {
  it('shows the tier badge, the balance and how far the next tier is', async () => {
    await new TestUtils().mount(MemberCardView, { props: { card: { ...newMember, growth: 250, points: { balance: 1250, pending: 0 } } } })
    expect(screen.getByLabelText('会员等级：普通会员')).toBeTruthy()
    expect(screen.getByTestId('points-balance').textContent).toBe('1,250')
    expect(screen.getByText('再获得 750 成长值升级为银卡')).toBeTruthy()
    expect(screen.getByText('NO. 10000001')).toBeTruthy()
    expect(screen.getByText(/上海南京西路旗舰店/)).toBeTruthy()
  })

  it('shows points still inside the return window as pending, and nothing when there are none', () => {
    const { unmount } = render(<MemberCardView card={{ ...newMember, points: { balance: 100, pending: 238 } }} />)
    expect(screen.getByTestId('points-pending').textContent).toBe('238 积分待生效')
    unmount()
    render(<MemberCardView card={newMember} />)
    expect(screen.queryByTestId('points-pending')).toBeNull()
  })

  it('at the top tier says so instead of a next goal', () => {
    render(<MemberCardView card={{ ...newMember, tier: tiers.diamond, nextTier: null, growth: 25000 }} />)
    expect(screen.getByLabelText('会员等级：钻石')).toBeTruthy()
    expect(screen.getByText('您已是最高等级')).toBeTruthy()
  })

  it('measures progress from the current tier to the next', () => {
    expect(tierProgressPercent({ growth: 0, tier: tiers.normal, nextTier: tiers.silver })).toBe(0)
    expect(tierProgressPercent({ growth: 999, tier: tiers.normal, nextTier: tiers.silver })).toBe(99)
    expect(tierProgressPercent({ growth: 3000, tier: tiers.silver, nextTier: tiers.gold })).toBe(50)
    expect(tierProgressPercent({ growth: 30000, tier: tiers.diamond, nextTier: null })).toBe(100)
  })
})
