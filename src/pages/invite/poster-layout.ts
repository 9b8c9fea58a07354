// The invite poster as data: where every shape, text and image goes. Kept free of the canvas so the
// layout can be checked without one, and the same list draws on weapp and in the browser.

export type GradientStops = Array<[offset: number, color: string]>
export type Paint =
  | string
  | { kind: 'linear'; x0: number; y0: number; x1: number; y1: number; stops: GradientStops }
  | { kind: 'radial'; x: number; y: number; r: number; stops: GradientStops }

export type PosterImage = 'avatar' | 'code'

export type DrawOp =
  | { kind: 'rect'; x: number; y: number; width: number; height: number; radius: number; fill: Paint }
  | { kind: 'circle'; x: number; y: number; r: number; fill: Paint }
  | { kind: 'polygon'; points: Array<[number, number]>; fill: Paint }
  /** y is the text's vertical middle. */
  | { kind: 'text'; text: string; x: number; y: number; size: number; bold: boolean; color: string; align: 'left' | 'center' }
  | { kind: 'image'; image: PosterImage; x: number; y: number; width: number; height: number; round: boolean }

export interface PosterData {
  /** null: the member has not set one; the poster then says 乐享会员. */
  nickname: string | null
  /** What the friend gets, e.g. "加入乐享会员，领新人券". */
  offer: string
  hasAvatar: boolean
}

/** The design size; the renderer scales it to the canvas. 5:8 fits a phone screen with room around it. */
export const POSTER_SIZE = { width: 600, height: 960 }

const GOLD = '#c9972e'
const CREAM = '#f5e6c4'
const INK = '#1f1f1f'
const GREY = '#8c8c8c'

/**
 * Roughly how wide a line is: CJK glyphs are square, Latin ones about half that. Exact widths need
 * the canvas (measureText), and an estimate on the wide side only ever wraps a little early.
 */
export function estimateTextWidth(text: string, size: number): number {
  let width = 0
  for (const char of text) width += char.charCodeAt(0) > 0x2e7f ? size : size * 0.6
  return width
}

function truncate(text: string, size: number, maxWidth: number): string {
  if (estimateTextWidth(text, size) <= maxWidth) return text
  const chars = [...text]
  while (chars.length > 1 && estimateTextWidth(`${chars.join('')}…`, size) > maxWidth) chars.pop()
  return `${chars.join('')}…`
}

/** Greedy lines of at most `maxWidth`. */
function breakByWidth(text: string, size: number, maxWidth: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const char of text) {
    if (line && estimateTextWidth(line + char, size) > maxWidth) {
      lines.push(line)
      line = char
    } else {
      line += char
    }
  }
  return line ? [...lines, line] : lines
}

/**
 * A poster reads best one clause a line: breaks at every "，" (dropping it), then by width, into at
 * most `maxLines`; whatever runs over is cut with an ellipsis on the last line.
 */
export function wrapText(text: string, size: number, maxWidth: number, maxLines: number): string[] {
  const lines = text.split('，').flatMap((clause) => breakByWidth(clause, size, maxWidth))
  if (lines.length <= maxLines) return lines
  return [...lines.slice(0, maxLines - 1), truncate(lines.slice(maxLines - 1).join(''), size, maxWidth)]
}

/** A four-pointed sparkle around (x, y). */
function sparkle(x: number, y: number, r: number): DrawOp {
  const w = r * 0.28
  return { kind: 'polygon', points: [[x, y - r], [x + w, y - w], [x + r, y], [x + w, y + w], [x, y + r], [x - w, y + w], [x - r, y], [x - w, y - w]], fill: CREAM }
}

/** The brand's picture: a gift box in the card's black and gold, drawn rather than downloaded. */
function brandPicture(s: (n: number) => number): DrawOp[] {
  const cx = s(300)
  return [
    { kind: 'circle', x: cx, y: s(250), r: s(190), fill: { kind: 'radial', x: cx, y: s(250), r: s(190), stops: [[0, 'rgba(245, 230, 196, 0.35)'], [1, 'rgba(245, 230, 196, 0)']] } },
    { kind: 'text', text: '乐享会员', x: cx, y: s(72), size: s(44), bold: true, color: CREAM, align: 'center' },
    { kind: 'text', text: 'LOYALTY MALL', x: cx, y: s(116), size: s(20), bold: false, color: GOLD, align: 'center' },
    { kind: 'rect', x: s(195), y: s(238), width: s(210), height: s(140), radius: s(10), fill: { kind: 'linear', x0: s(195), y0: s(238), x1: s(405), y1: s(378), stops: [[0, '#f3d58a'], [1, '#a8781f']] } },
    { kind: 'rect', x: s(180), y: s(196), width: s(240), height: s(48), radius: s(10), fill: { kind: 'linear', x0: s(180), y0: s(196), x1: s(420), y1: s(244), stops: [[0, '#fff1c2'], [1, GOLD]] } },
    { kind: 'rect', x: s(283), y: s(196), width: s(34), height: s(182), radius: 0, fill: '#b3261e' },
    // The bow: two loops meeting on the lid.
    { kind: 'polygon', points: [[cx, s(196)], [s(240), s(150)], [s(232), s(192)]], fill: '#d4380d' },
    { kind: 'polygon', points: [[cx, s(196)], [s(360), s(150)], [s(368), s(192)]], fill: '#d4380d' },
    sparkle(s(150), s(180), s(18)),
    sparkle(s(462), s(230), s(14)),
    sparkle(s(430), s(140), s(9))
  ]
}

/** Every draw operation of the poster, in order, for a canvas of `size` (design units scaled). */
export function posterLayout(size: { width: number; height: number }, data: PosterData): DrawOp[] {
  const k = size.width / POSTER_SIZE.width
  const s = (n: number) => n * k
  const name = data.nickname ?? '乐享会员'
  const avatar = { x: s(72), y: s(460), size: s(96) }
  const offerLines = wrapText(data.offer, s(36), s(472), 2)

  return [
    { kind: 'rect', x: 0, y: 0, width: size.width, height: size.height, radius: 0, fill: { kind: 'linear', x0: 0, y0: 0, x1: 0, y1: size.height, stops: [[0, '#2b2b2b'], [1, '#111111']] } },
    ...brandPicture(s),
    { kind: 'rect', x: s(32), y: s(420), width: s(536), height: s(508), radius: s(24), fill: '#ffffff' },
    data.hasAvatar
      ? { kind: 'image', image: 'avatar', x: avatar.x, y: avatar.y, width: avatar.size, height: avatar.size, round: true }
      : { kind: 'circle', x: avatar.x + avatar.size / 2, y: avatar.y + avatar.size / 2, r: avatar.size / 2, fill: INK },
    ...(data.hasAvatar
      ? []
      : [{ kind: 'text', text: [...name][0], x: avatar.x + avatar.size / 2, y: avatar.y + avatar.size / 2, size: s(44), bold: true, color: CREAM, align: 'center' } as const]),
    { kind: 'text', text: truncate(name, s(32), s(340)), x: s(188), y: s(490), size: s(32), bold: true, color: INK, align: 'left' },
    { kind: 'text', text: '邀请你加入乐享会员', x: s(188), y: s(532), size: s(24), bold: false, color: GREY, align: 'left' },
    ...offerLines.map((text, i): DrawOp => ({ kind: 'text', text, x: s(300), y: s(612 + i * 46), size: s(36), bold: true, color: GOLD, align: 'center' })),
    { kind: 'image', image: 'code', x: s(200), y: s(700), width: s(200), height: s(200), round: false },
    { kind: 'text', text: '长按识别小程序码，领取入会礼', x: s(300), y: s(916), size: s(22), bold: false, color: GREY, align: 'center' }
  ]
}
