// A printable A6-ratio poster with a store's (or a staff member's) mini-program code, drawn in the
// browser so the server only has to hand out the code image itself.

export interface PosterContent {
  storeName: string
  storeAddress?: string
  /** The code image (a data: URL) from GET /api/admin/stores/:code/mini-program-code. */
  imageUrl: string
  tagline: string
  staffName?: string
}

const WIDTH = 1240
const HEIGHT = 1748
const FONT = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif'
const GOLD = '#a8741a'
const INK = '#2b2118'

async function loadImage(src: string): Promise<HTMLImageElement> {
  const image = new Image()
  image.src = src
  await image.decode()
  return image
}

/** The largest size up to `max` at which the text fits `width`. */
function fitFont(ctx: CanvasRenderingContext2D, text: string, width: number, max: number, weight = 600): number {
  let size = max
  for (; size > 20; size -= 2) {
    ctx.font = `${weight} ${size}px ${FONT}`
    if (ctx.measureText(text).width <= width) break
  }
  return size
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number) {
  ctx.beginPath()
  ctx.moveTo(x + r, y)
  ctx.arcTo(x + w, y, x + w, y + h, r)
  ctx.arcTo(x + w, y + h, x, y + h, r)
  ctx.arcTo(x, y + h, x, y, r)
  ctx.arcTo(x, y, x + w, y, r)
  ctx.closePath()
}

export async function drawPoster(content: PosterContent): Promise<Blob> {
  const canvas = document.createElement('canvas')
  canvas.width = WIDTH
  canvas.height = HEIGHT
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('canvas unavailable')
  const code = await loadImage(content.imageUrl)

  ctx.fillStyle = '#fbf6ec'
  ctx.fillRect(0, 0, WIDTH, HEIGHT)

  const band = ctx.createLinearGradient(0, 0, WIDTH, 360)
  band.addColorStop(0, '#3a2c16')
  band.addColorStop(1, '#7a5a22')
  ctx.fillStyle = band
  ctx.fillRect(0, 0, WIDTH, 360)

  ctx.textAlign = 'center'
  ctx.textBaseline = 'middle'
  ctx.fillStyle = '#e9cf8f'
  ctx.font = `500 40px ${FONT}`
  ctx.fillText('LOYALTY MALL · 会员俱乐部', WIDTH / 2, 110)
  ctx.fillStyle = '#ffffff'
  const nameSize = fitFont(ctx, content.storeName, WIDTH - 160, 84)
  ctx.font = `600 ${nameSize}px ${FONT}`
  ctx.fillText(content.storeName, WIDTH / 2, 215)
  if (content.storeAddress) {
    ctx.fillStyle = '#e9dcc0'
    const addressSize = fitFont(ctx, content.storeAddress, WIDTH - 200, 34, 400)
    ctx.font = `400 ${addressSize}px ${FONT}`
    ctx.fillText(content.storeAddress, WIDTH / 2, 295)
  }

  const box = 760
  const boxX = (WIDTH - box) / 2
  const boxY = 450
  ctx.save()
  ctx.shadowColor = 'rgba(60, 40, 10, 0.18)'
  ctx.shadowBlur = 40
  ctx.shadowOffsetY = 12
  ctx.fillStyle = '#ffffff'
  roundRect(ctx, boxX, boxY, box, box, 36)
  ctx.fill()
  ctx.restore()
  const inset = 60
  ctx.imageSmoothingEnabled = false
  ctx.drawImage(code, boxX + inset, boxY + inset, box - inset * 2, box - inset * 2)
  ctx.imageSmoothingEnabled = true

  ctx.fillStyle = INK
  const taglineSize = fitFont(ctx, content.tagline, WIDTH - 160, 60)
  ctx.font = `600 ${taglineSize}px ${FONT}`
  ctx.fillText(content.tagline, WIDTH / 2, boxY + box + 120)

  if (content.staffName) {
    const text = `专属导购：${content.staffName}`
    ctx.font = `500 44px ${FONT}`
    const w = ctx.measureText(text).width + 80
    ctx.fillStyle = '#f3e6c8'
    roundRect(ctx, (WIDTH - w) / 2, boxY + box + 200, w, 84, 42)
    ctx.fill()
    ctx.fillStyle = GOLD
    ctx.fillText(text, WIDTH / 2, boxY + box + 243)
  }

  ctx.fillStyle = '#8c7b5e'
  ctx.font = `400 34px ${FONT}`
  ctx.fillText('微信扫一扫 · 打开小程序加入会员', WIDTH / 2, HEIGHT - 110)

  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('toBlob failed'))), 'image/png'))
}
