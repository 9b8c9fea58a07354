// Fixtures for the 售后 pages' tests: requests as the server answers them, and the rules.
import type { Aftersale } from '../../types'

export const rules = { windowDays: 7, autoApproveUnshipped: true, reasons: ['不想要了', '商品与描述不符', '质量问题', '少件或发错货', '包装或商品破损', '其他'] }

export function aftersale(overrides: Partial<Aftersale> & Pick<Aftersale, 'aftersaleNo' | 'orderNo' | 'status'>): Aftersale {
  return {
    memberNo: 'M00000001',
    kind: 'return_refund',
    reason: '质量问题',
    note: '',
    items: [{ skuId: 101, productName: '羊毛围巾', specText: '燕麦色', quantity: 1 }],
    returnShipping: null,
    decisionReason: null,
    refund: null,
    timeline: [{ status: 'pending', actor: 'member', note: null, at: '2026-03-12T02:00:00.000Z' }],
    createdAt: '2026-03-12T02:00:00.000Z',
    ...overrides
  }
}
