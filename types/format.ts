// How amounts are written for people, the same in the mini-program and the console. Plain code
// without Intl (the mini-program's JS engines do not all have it); dates stay with each app's dayjs.

const groupThousands = (n: number) => String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

/** 1250 → "1,250" */
export function formatNumber(n: number): string {
  return `${n < 0 ? '-' : ''}${groupThousands(n)}`
}

/** 1250 → "1,250 积分" */
export function formatPoints(points: number): string {
  return `${formatNumber(points)} 积分`
}

/** Integer fen → "¥12.30" */
export function formatMoney(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}¥${groupThousands(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`
}
