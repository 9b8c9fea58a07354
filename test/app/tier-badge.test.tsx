import { render, screen } from '@testing-library/react'
import { TierBadge } from '../../src/components/tier-badge'
import { tierDetails } from './tier-fixtures'

describe('the tier badge', () => {
  it('gives each of the four tiers its own class (colour and emblem) and names it for screen readers', () => {
    render(
      <>
        {tierDetails.map((tier) => (
          <TierBadge key={tier.code} tier={tier} />
        ))}
      </>
    )
    const badges = tierDetails.map((tier) => screen.getByLabelText(`会员等级：${tier.name}`))
    const rankClasses = badges.map((badge) => Array.from(badge.classList).filter((name) => /^tier-badge--rank\d$/.test(name)))
    expect(rankClasses).toEqual([['tier-badge--rank0'], ['tier-badge--rank1'], ['tier-badge--rank2'], ['tier-badge--rank3']])
    for (const [i, badge] of badges.entries()) {
      expect(badge.querySelector('.tier-badge__emblem')).toBeTruthy()
      expect(badge.textContent).toBe(tierDetails[i].name)
    }
  })

  it('keeps a rank beyond the four within the drawn emblems, and takes a size', () => {
    render(<TierBadge tier={{ name: '黑钻', rank: 7 }} size='large' />)
    const badge = screen.getByLabelText('会员等级：黑钻')
    expect(badge.classList.contains('tier-badge--rank3')).toBe(true)
    expect(badge.classList.contains('tier-badge--large')).toBe(true)
  })
})
