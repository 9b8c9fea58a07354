import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'
import 'dayjs/locale/zh-cn'

dayjs.extend(utc)
dayjs.locale('zh-cn')

/** China keeps one offset all year (no DST), so a fixed +08:00 is Asia/Shanghai without Intl data. */
const SHANGHAI_OFFSET_MINUTES = 8 * 60

export { formatMoney, formatNumber, formatPoints } from '../../types/format'

const inShanghai = (at: string | Date) => dayjs(at).utcOffset(SHANGHAI_OFFSET_MINUTES)

/** 今天 / 昨天 / 2026-11-22, in Shanghai time. */
export function formatDay(at: string | Date, now: Date = new Date()): string {
  const day = inShanghai(at).startOf('day')
  const today = inShanghai(now).startOf('day')
  const diff = today.diff(day, 'day')
  if (diff === 0) return '今天'
  if (diff === 1) return '昨天'
  return day.format('YYYY-MM-DD')
}

export function formatDateTime(at: string | Date, now: Date = new Date()): string {
  return `${formatDay(at, now)} ${inShanghai(at).format('HH:mm')}`
}

/** Points multiplier in thousandths → "×1.2"; always one decimal at least, so ×1.0 reads as a multiplier. */
export function formatMultiplier(permille: number): string {
  const fraction = String(permille % 1000).padStart(3, '0').replace(/0+$/, '') || '0'
  return `×${Math.floor(permille / 1000)}.${fraction}`
}

/** Today's calendar day in Shanghai, YYYY-MM-DD: the latest birthday a person can have. */
export function shanghaiToday(now: Date = new Date()): string {
  return inShanghai(now).format('YYYY-MM-DD')
}
