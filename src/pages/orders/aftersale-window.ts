import Taro from '@tarojs/taro'
import type { Order } from '../../../types'
import { api } from '../../api'

type AftersaleRules = Awaited<ReturnType<typeof fetchRules>>
const fetchRules = () => api('GET /api/aftersales/rules')

let rules: Promise<AftersaleRules> | null = null

/** The 售后 window and reasons: the same for every order, so asked once per launch (again after a failure). */
export function loadAftersaleRules(): Promise<AftersaleRules> {
  rules ??= fetchRules().catch((error: unknown) => {
    rules = null
    throw error
  })
  return rules
}

/** Forgets the rules read, so the next load asks again (tests, or a page that must be current). */
export function forgetAftersaleRules() {
  rules = null
}

// Orders the server said are past their window, kept across launches: the contract's order has no
// receipt time yet, so the button can only be hidden once a request was refused.
const CLOSED_KEY = 'lm.aftersale.closed'
const CLOSED_KEPT = 50

function readClosed(): string[] {
  try {
    const stored = Taro.getStorageSync(CLOSED_KEY) as unknown
    return Array.isArray(stored) ? stored.filter((no): no is string => typeof no === 'string') : []
  } catch {
    return []
  }
}

/** The server refused a request with AFTERSALE_WINDOW_CLOSED: 申请售后 stays hidden for this order. */
export function markWindowClosed(orderNo: string) {
  const closed = [orderNo, ...readClosed().filter((no) => no !== orderNo)].slice(0, CLOSED_KEPT)
  try {
    Taro.setStorageSync(CLOSED_KEY, closed)
  } catch {
    // Storage full or unavailable: the server still refuses, the button just shows again.
  }
}

const DAY_MS = 86_400_000

/**
 * Whether the 售后 window after receipt may still be open. Known closed when the server said so, or
 * when the order carries its receipt time (a field the contract may add) and the rules' days have
 * passed; a shipped order not yet received is always inside it.
 */
export function aftersaleWindowOpen(order: Order, windowDays: number | null, now: Date = new Date()): boolean {
  if (order.status !== 'shipped' && order.status !== 'completed') return false
  if (readClosed().includes(order.orderNo)) return false
  const { completedAt } = order
  if (order.status === 'completed' && completedAt && windowDays !== null) {
    return now.getTime() <= new Date(completedAt).getTime() + windowDays * DAY_MS
  }
  return true
}
