// The seeded 幸运九宫格 as the pages see it, and the prizes a member can win from it.
import type { DrawActivity, DrawResult, Prize, WonPrize } from '../../types'

export const prizes: Prize[] = [
  { slot: 0, name: '100 积分', kind: 'points', points: 100, coupon: null },
  { slot: 1, name: '满199减20券', kind: 'coupon', points: null, coupon: { name: '满199减20', rule: { kind: 'amount', amountOff: 2000, threshold: 19900 } } },
  { slot: 2, name: '谢谢参与', kind: 'thanks', points: null, coupon: null },
  { slot: 3, name: '10 积分', kind: 'points', points: 10, coupon: null },
  { slot: 4, name: '随行保温杯', kind: 'physical', points: null, coupon: null },
  { slot: 5, name: '会员9折券', kind: 'coupon', points: null, coupon: { name: '会员9折券', rule: { kind: 'percent', percentOff: 10, maxDiscount: 5000, threshold: 0 } } },
  { slot: 6, name: '500 积分', kind: 'points', points: 500, coupon: null },
  { slot: 7, name: '蓝牙耳机', kind: 'physical', points: null, coupon: null }
]

export const prizeAt = (slot: number) => prizes.find((p) => p.slot === slot)!

export function activity(me: Partial<DrawActivity['me']> = {}, overrides: Partial<DrawActivity> = {}): DrawActivity {
  return {
    code: 'lucky-grid',
    name: '幸运九宫格',
    startsAt: '2030-01-01T02:00:00.000Z',
    endsAt: '2030-12-31T14:00:00.000Z',
    costPoints: 50,
    freeDrawsPerDay: 1,
    dailyLimit: 10,
    totalLimit: null,
    rules: '每次抽奖消耗 50 积分，每天首次免费，每天最多 10 次。',
    // Shuffled: the page must place them by slot, not by their order in the answer.
    prizes: [...prizes].reverse(),
    me: { balance: 1200, freeDrawsLeftToday: 1, drawsLeftToday: 10, blockedReason: null, ...me },
    ...overrides
  }
}

export function drawResult(slot: number, overrides: Partial<DrawResult> = {}): DrawResult {
  const prize = prizeAt(slot)
  return {
    drawNo: 'D2030010100000001',
    prize,
    free: false,
    pointsSpent: 50,
    balance: 1150 + (prize.points ?? 0),
    freeDrawsLeftToday: 0,
    drawsLeftToday: 9,
    claimDeadline: prize.kind === 'physical' ? '2030-01-08T04:00:00.000Z' : null,
    ...overrides
  }
}

export function wonPrize(overrides: Partial<WonPrize> & Pick<WonPrize, 'drawNo' | 'prize' | 'status'>): WonPrize {
  return {
    activityName: '幸运九宫格',
    claimDeadline: null,
    shipping: null,
    wonAt: '2030-01-01T04:00:00.000Z',
    ...overrides
  }
}
