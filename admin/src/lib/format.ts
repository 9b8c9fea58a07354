import dayjs, { type Dayjs } from 'dayjs'
import utc from 'dayjs/plugin/utc'
import 'dayjs/locale/zh-cn'
import { formatNumber } from '../../../types/format'

dayjs.extend(utc)
dayjs.locale('zh-cn')

/** China keeps one offset all year (no DST): a fixed +08:00 is Asia/Shanghai whatever the browser's zone. */
const SHANGHAI_OFFSET_MINUTES = 8 * 60

export { formatMoney, formatNumber, formatPoints } from '../../../types/format'

/** A change of points with its sign: +300 / -50 */
export function formatPointsDelta(points: number): string {
  return `${points > 0 ? '+' : ''}${formatNumber(points)}`
}

export const inShanghai = (at: string | Date) => dayjs(at).utcOffset(SHANGHAI_OFFSET_MINUTES)

/** 2026-05-04 14:05, in Shanghai time. */
export function formatDateTime(at: string | Date | null | undefined, withSeconds = false): string {
  if (!at) return '—'
  return inShanghai(at).format(withSeconds ? 'YYYY-MM-DD HH:mm:ss' : 'YYYY-MM-DD HH:mm')
}

export function formatDate(at: string | Date | null | undefined): string {
  if (!at) return '—'
  return inShanghai(at).format('YYYY-MM-DD')
}

/** Thousandths → "×1.2" */
export function formatMultiplier(permille: number): string {
  const fraction = String(permille % 1000).padStart(3, '0').replace(/0+$/, '') || '0'
  return `×${Math.floor(permille / 1000)}.${fraction}`
}

/**
 * The first instant of a calendar day picked in a date picker, read as a Shanghai day (the picker
 * works in the browser's zone, the business in Shanghai's).
 */
export function shanghaiDayStart(day: Dayjs): string {
  return new Date(`${day.format('YYYY-MM-DD')}T00:00:00+08:00`).toISOString()
}

export function shanghaiDayEnd(day: Dayjs): string {
  return new Date(`${day.format('YYYY-MM-DD')}T23:59:59.999+08:00`).toISOString()
}

export function shanghaiToday(): string {
  return inShanghai(new Date()).format('YYYY-MM-DD')
}
