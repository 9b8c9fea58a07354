import { formatDay, formatMoney, formatMultiplier, formatNumber, formatPoints, shanghaiToday } from '../../src/utils/format'

describe('money, points and dates as a Chinese user reads them', () => {
  it('shows fen as yuan with two decimals', () => {
    expect(formatMoney(1230)).toBe('¥12.30')
    expect(formatMoney(5)).toBe('¥0.05')
    expect(formatMoney(123456789)).toBe('¥1,234,567.89')
    expect(formatMoney(-1000)).toBe('-¥10.00')
  })

  it('groups points by thousands', () => {
    expect(formatPoints(1250)).toBe('1,250 积分')
    expect(formatPoints(100)).toBe('100 积分')
    expect(formatNumber(-20000)).toBe('-20,000')
  })

  it('says 今天 / 昨天 by the Shanghai calendar, not the UTC one', () => {
    const now = new Date('2026-11-24T01:00:00Z') // 09:00 in Shanghai
    expect(formatDay('2026-11-23T17:00:00Z', now)).toBe('今天') // 01:00 on the 24th in Shanghai
    expect(formatDay('2026-11-23T15:00:00Z', now)).toBe('昨天') // 23:00 on the 23rd in Shanghai
    expect(formatDay('2026-11-22T03:00:00Z', now)).toBe('2026-11-22')
  })

  it('shows a points multiplier from thousandths with at least one decimal', () => {
    expect(formatMultiplier(1000)).toBe('×1.0')
    expect(formatMultiplier(1200)).toBe('×1.2')
    expect(formatMultiplier(1250)).toBe('×1.25')
    expect(formatMultiplier(2000)).toBe('×2.0')
  })

  it('takes today from the Shanghai calendar', () => {
    expect(shanghaiToday(new Date('2026-11-23T17:00:00Z'))).toBe('2026-11-24')
    expect(shanghaiToday(new Date('2026-11-23T15:00:00Z'))).toBe('2026-11-23')
  })
})
