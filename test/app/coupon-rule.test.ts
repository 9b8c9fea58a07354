import { couponFaceText, couponRuleText } from '../../src/components/coupon-card/rule'

describe('how a coupon rule reads', () => {
  it('shows an amount off in yuan, without trailing zeros', () => {
    const rule = { kind: 'amount', amountOff: 2000, threshold: 19900 } as const
    expect(couponFaceText(rule)).toBe('¥20')
    expect(couponRuleText(rule)).toBe('满199可用')
    expect(couponFaceText({ kind: 'amount', amountOff: 1990, threshold: 0 })).toBe('¥19.9')
    expect(couponFaceText({ kind: 'amount', amountOff: 505, threshold: 0 })).toBe('¥5.05')
  })

  it('shows a percentage as 折 with its cap', () => {
    const rule = { kind: 'percent', percentOff: 10, maxDiscount: 5000, threshold: 10000 } as const
    expect(couponFaceText(rule)).toBe('9折')
    expect(couponRuleText(rule)).toBe('满100可用 · 最高减¥50')
    expect(couponFaceText({ ...rule, percentOff: 15 })).toBe('8.5折')
    expect(couponFaceText({ ...rule, percentOff: 12 })).toBe('8.8折')
  })

  it('says 无门槛 when there is no threshold', () => {
    expect(couponRuleText({ kind: 'amount', amountOff: 500, threshold: 0 })).toBe('无门槛')
    expect(couponRuleText({ kind: 'percent', percentOff: 20, maxDiscount: 2050, threshold: 0 })).toBe('无门槛 · 最高减¥20.5')
    expect(couponRuleText({ kind: 'amount', amountOff: 500, threshold: 9950 })).toBe('满99.5可用')
  })
})
