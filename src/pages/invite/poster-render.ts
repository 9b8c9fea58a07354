import type { DrawOp, Paint, PosterImage } from './poster-layout'

/** The part of a 2D context the poster uses: a browser canvas and a weapp `type='2d'` canvas both have it. */
export type PosterContext = Pick<
  CanvasRenderingContext2D,
  | 'save'
  | 'restore'
  | 'beginPath'
  | 'closePath'
  | 'moveTo'
  | 'lineTo'
  | 'arc'
  | 'arcTo'
  | 'rect'
  | 'fill'
  | 'clip'
  | 'fillText'
  | 'drawImage'
  | 'createLinearGradient'
  | 'createRadialGradient'
  | 'fillStyle'
  | 'font'
  | 'textAlign'
  | 'textBaseline'
>

/** Loaded images by role; a weapp canvas image is not a DOM image, so they stay opaque here. */
export type PosterImages = Partial<Record<PosterImage, unknown>>

const FONT_FAMILY = "'PingFang SC', 'Microsoft YaHei', sans-serif"

function paint(ctx: PosterContext, fill: Paint): string | CanvasGradient {
  if (typeof fill === 'string') return fill
  const gradient = fill.kind === 'linear' ? ctx.createLinearGradient(fill.x0, fill.y0, fill.x1, fill.y1) : ctx.createRadialGradient(fill.x, fill.y, 0, fill.x, fill.y, fill.r)
  for (const [offset, color] of fill.stops) gradient.addColorStop(offset, color)
  return gradient
}

// arcTo rather than roundRect: older WeChat base libraries lack roundRect.
function roundRectPath(ctx: PosterContext, x: number, y: number, width: number, height: number, radius: number) {
  ctx.beginPath()
  if (radius <= 0) {
    ctx.rect(x, y, width, height)
    return
  }
  ctx.moveTo(x + radius, y)
  ctx.arcTo(x + width, y, x + width, y + height, radius)
  ctx.arcTo(x + width, y + height, x, y + height, radius)
  ctx.arcTo(x, y + height, x, y, radius)
  ctx.arcTo(x, y, x + width, y, radius)
  ctx.closePath()
}

/** Replays the layout on a context already scaled to design units. */
export function renderPoster(ctx: PosterContext, ops: DrawOp[], images: PosterImages): void {
  for (const op of ops) {
    switch (op.kind) {
      case 'rect':
        roundRectPath(ctx, op.x, op.y, op.width, op.height, op.radius)
        ctx.fillStyle = paint(ctx, op.fill)
        ctx.fill()
        break
      case 'circle':
        ctx.beginPath()
        ctx.arc(op.x, op.y, op.r, 0, Math.PI * 2)
        ctx.fillStyle = paint(ctx, op.fill)
        ctx.fill()
        break
      case 'polygon':
        ctx.beginPath()
        op.points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)))
        ctx.closePath()
        ctx.fillStyle = paint(ctx, op.fill)
        ctx.fill()
        break
      case 'text':
        ctx.font = `${op.bold ? 'bold ' : ''}${op.size}px ${FONT_FAMILY}`
        ctx.textAlign = op.align
        ctx.textBaseline = 'middle'
        ctx.fillStyle = op.color
        ctx.fillText(op.text, op.x, op.y)
        break
      case 'image': {
        const image = images[op.image]
        // The layout only places images the caller said it has: a missing one is a caller's bug.
        if (!image) throw new Error(`poster image "${op.image}" was not loaded`)
        ctx.save()
        if (op.round) {
          ctx.beginPath()
          ctx.arc(op.x + op.width / 2, op.y + op.height / 2, Math.min(op.width, op.height) / 2, 0, Math.PI * 2)
          ctx.clip()
        }
        ctx.drawImage(image as CanvasImageSource, op.x, op.y, op.width, op.height)
        ctx.restore()
        break
      }
    }
  }
}
