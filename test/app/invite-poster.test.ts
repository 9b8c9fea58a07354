import Taro from '@tarojs/taro'
import { albumOutcomeToast, saveToAlbum } from '../../src/pages/invite/album'
import { estimateTextWidth, POSTER_SIZE, posterLayout, wrapText, type DrawOp } from '../../src/pages/invite/poster-layout'
import { renderPoster, type PosterContext } from '../../src/pages/invite/poster-render'

jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('@tarojs/taro')
  const taro = {
    ...actual.default,
    getSetting: jest.fn(),
    showModal: jest.fn(),
    openSetting: jest.fn(),
    authorize: jest.fn(),
    saveImageToPhotosAlbum: jest.fn()
  }
  return { __esModule: true, ...actual, ...taro, default: taro }
})

const albumMocks = ['getSetting', 'showModal', 'openSetting', 'authorize', 'saveImageToPhotosAlbum'] as const
const mockTaro = Taro as unknown as Record<(typeof albumMocks)[number], jest.Mock>

const data = { nickname: '王小慧', offer: '加入乐享会员，领新人满100减20券', hasAvatar: true }
const texts = (ops: DrawOp[]) => ops.filter((op): op is Extract<DrawOp, { kind: 'text' }> => op.kind === 'text')
const images = (ops: DrawOp[]) => ops.filter((op): op is Extract<DrawOp, { kind: 'image' }> => op.kind === 'image')

describe('the poster layout', () => {
  it('places the avatar, the nickname, the offer and the mini-program code', () => {
    const ops = posterLayout(POSTER_SIZE, data)
    expect(images(ops)).toEqual([
      { kind: 'image', image: 'avatar', x: 72, y: 460, width: 96, height: 96, round: true },
      { kind: 'image', image: 'code', x: 200, y: 700, width: 200, height: 200, round: false }
    ])
    expect(texts(ops).map(({ text, x, y, align }) => ({ text, x, y, align }))).toEqual([
      { text: '乐享会员', x: 300, y: 72, align: 'center' },
      { text: 'LOYALTY MALL', x: 300, y: 116, align: 'center' },
      { text: '王小慧', x: 188, y: 490, align: 'left' },
      { text: '邀请你加入乐享会员', x: 188, y: 532, align: 'left' },
      { text: '加入乐享会员', x: 300, y: 612, align: 'center' },
      { text: '领新人满100减20券', x: 300, y: 658, align: 'center' },
      { text: '长按识别小程序码，领取入会礼', x: 300, y: 916, align: 'center' }
    ])
    // The background comes first and everything stays on the canvas.
    expect(ops[0]).toMatchObject({ kind: 'rect', x: 0, y: 0, width: 600, height: 960 })
    for (const op of ops) {
      if (op.kind === 'rect' || op.kind === 'image') {
        expect(op.x + op.width).toBeLessThanOrEqual(600)
        expect(op.y + op.height).toBeLessThanOrEqual(960)
      }
    }
  })

  it('draws the brand picture from gradients and shapes, not images', () => {
    const ops = posterLayout(POSTER_SIZE, data)
    const brand = ops.slice(1, ops.findIndex((op) => op.kind === 'rect' && op.fill === '#ffffff'))
    expect(brand.some((op) => op.kind === 'circle' && typeof op.fill !== 'string' && op.fill.kind === 'radial')).toBe(true)
    expect(brand.some((op) => op.kind === 'rect' && typeof op.fill !== 'string' && op.fill.kind === 'linear')).toBe(true)
    expect(brand.filter((op) => op.kind === 'polygon').length).toBeGreaterThanOrEqual(2)
    expect(brand.some((op) => op.kind === 'image')).toBe(false)
  })

  it('without an avatar draws a circle with the nickname’s first character in its place', () => {
    const ops = posterLayout(POSTER_SIZE, { ...data, hasAvatar: false })
    expect(images(ops).map((op) => op.image)).toEqual(['code'])
    const circle = ops.find((op) => op.kind === 'circle' && op.x === 120)
    expect(circle).toEqual({ kind: 'circle', x: 120, y: 508, r: 48, fill: '#1f1f1f' })
    const initial = ops[ops.indexOf(circle!) + 1]
    expect(initial).toMatchObject({ kind: 'text', text: '王', x: 120, y: 508, align: 'center' })
  })

  it('names a member without a nickname 乐享会员 and cuts a long offer at two lines', () => {
    const offer = '加入乐享会员，领取价值一百元的新人专享大礼包与满一百元减二十元优惠券，以及更多惊喜'
    const ops = posterLayout(POSTER_SIZE, { nickname: null, offer, hasAvatar: false })
    expect(texts(ops).find((op) => op.x === 188 && op.y === 490)?.text).toBe('乐享会员')
    const offerLines = texts(ops).filter((op) => op.size === 36)
    expect(offerLines.map((op) => op.y)).toEqual([612, 658])
    expect(offerLines[1].text.endsWith('…')).toBe(true)
    for (const line of offerLines) expect(estimateTextWidth(line.text, 36)).toBeLessThanOrEqual(472)
  })

  it('scales with the canvas', () => {
    const half = posterLayout({ width: 300, height: 480 }, data)
    expect(images(half)[1]).toEqual({ kind: 'image', image: 'code', x: 100, y: 350, width: 100, height: 100, round: false })
  })

  it('breaks at each clause, then by estimated width', () => {
    expect(wrapText('短句', 36, 472, 2)).toEqual(['短句'])
    expect(wrapText('一二，三', 10, 30, 2)).toEqual(['一二', '三'])
    expect(wrapText('一二三四五六', 10, 30, 3)).toEqual(['一二三', '四五六'])
    expect(wrapText('一二三四五六七', 10, 30, 2)).toEqual(['一二三', '四五…'])
    expect(wrapText('ab12一二', 10, 30, 2)).toEqual(['ab12', '一二'])
  })
})

/** A 2D context that records every call and property set, in order. */
function recordingContext() {
  const calls: unknown[][] = []
  const gradient = (kind: string) => ({ kind, addColorStop: (...args: unknown[]) => calls.push(['addColorStop', ...args]) })
  const ctx = new Proxy({} as Record<string, unknown>, {
    get: (_, name: string) => {
      if (name === 'createLinearGradient' || name === 'createRadialGradient') {
        return (...args: unknown[]) => {
          calls.push([name, ...args])
          return gradient(name)
        }
      }
      return (...args: unknown[]) => calls.push([name, ...args])
    },
    set: (_, name: string, value: unknown) => {
      calls.push([`set ${name}`, value])
      return true
    }
  })
  return { ctx: ctx as unknown as PosterContext, calls }
}

describe('the poster renderer', () => {
  it('replays shapes, gradients, texts and clipped images on the 2D context', () => {
    const { ctx, calls } = recordingContext()
    const avatar = { name: 'avatar image' }
    const code = { name: 'code image' }
    renderPoster(
      ctx,
      [
        { kind: 'rect', x: 0, y: 0, width: 600, height: 960, radius: 0, fill: { kind: 'linear', x0: 0, y0: 0, x1: 0, y1: 960, stops: [[0, '#2b2b2b'], [1, '#111111']] } },
        { kind: 'rect', x: 32, y: 420, width: 536, height: 508, radius: 24, fill: '#ffffff' },
        { kind: 'circle', x: 300, y: 250, r: 190, fill: { kind: 'radial', x: 300, y: 250, r: 190, stops: [[0, 'rgba(0,0,0,1)']] } },
        { kind: 'polygon', points: [[0, 0], [10, 0], [5, 8]], fill: '#d4380d' },
        { kind: 'text', text: '王小慧', x: 188, y: 490, size: 32, bold: true, color: '#1f1f1f', align: 'left' },
        { kind: 'image', image: 'avatar', x: 72, y: 460, width: 96, height: 96, round: true },
        { kind: 'image', image: 'code', x: 200, y: 700, width: 200, height: 200, round: false }
      ],
      { avatar, code }
    )
    const fontFamily = "'PingFang SC', 'Microsoft YaHei', sans-serif"
    expect(calls).toEqual([
      ['beginPath'],
      ['rect', 0, 0, 600, 960],
      ['createLinearGradient', 0, 0, 0, 960],
      ['addColorStop', 0, '#2b2b2b'],
      ['addColorStop', 1, '#111111'],
      ['set fillStyle', expect.objectContaining({ kind: 'createLinearGradient' })],
      ['fill'],
      ['beginPath'],
      ['moveTo', 56, 420],
      ['arcTo', 568, 420, 568, 928, 24],
      ['arcTo', 568, 928, 32, 928, 24],
      ['arcTo', 32, 928, 32, 420, 24],
      ['arcTo', 32, 420, 568, 420, 24],
      ['closePath'],
      ['set fillStyle', '#ffffff'],
      ['fill'],
      ['beginPath'],
      ['arc', 300, 250, 190, 0, Math.PI * 2],
      ['createRadialGradient', 300, 250, 0, 300, 250, 190],
      ['addColorStop', 0, 'rgba(0,0,0,1)'],
      ['set fillStyle', expect.objectContaining({ kind: 'createRadialGradient' })],
      ['fill'],
      ['beginPath'],
      ['moveTo', 0, 0],
      ['lineTo', 10, 0],
      ['lineTo', 5, 8],
      ['closePath'],
      ['set fillStyle', '#d4380d'],
      ['fill'],
      ['set font', `bold 32px ${fontFamily}`],
      ['set textAlign', 'left'],
      ['set textBaseline', 'middle'],
      ['set fillStyle', '#1f1f1f'],
      ['fillText', '王小慧', 188, 490],
      ['save'],
      ['beginPath'],
      ['arc', 120, 508, 48, 0, Math.PI * 2],
      ['clip'],
      ['drawImage', avatar, 72, 460, 96, 96],
      ['restore'],
      ['save'],
      ['drawImage', code, 200, 700, 200, 200],
      ['restore']
    ])
  })

  it('draws the whole layout, with each image where the layout put it', () => {
    const { ctx, calls } = recordingContext()
    const avatar = { name: 'avatar image' }
    const code = { name: 'code image' }
    renderPoster(ctx, posterLayout(POSTER_SIZE, data), { avatar, code })
    expect(calls.filter(([name]) => name === 'drawImage')).toEqual([
      ['drawImage', avatar, 72, 460, 96, 96],
      ['drawImage', code, 200, 700, 200, 200]
    ])
    expect(calls.filter(([name]) => name === 'fillText').map(([, text]) => text)).toEqual(expect.arrayContaining(['王小慧', '加入乐享会员', '领新人满100减20券']))
  })

  it('refuses to draw an image it was not given', () => {
    const { ctx } = recordingContext()
    expect(() => renderPoster(ctx, posterLayout(POSTER_SIZE, data), { code: {} })).toThrow('poster image "avatar" was not loaded')
  })
})

describe('saving the poster to the album', () => {
  const exportImage = jest.fn(async () => 'wxfile://tmp/poster.png')

  beforeEach(() => {
    for (const name of albumMocks) mockTaro[name].mockReset()
    exportImage.mockClear()
    mockTaro.saveImageToPhotosAlbum.mockResolvedValue({ errMsg: 'saveImageToPhotosAlbum:ok' })
  })

  it('once refused, explains why in a modal and opens the settings; saves when the person allows it there', async () => {
    mockTaro.getSetting.mockResolvedValue({ authSetting: { 'scope.writePhotosAlbum': false } })
    mockTaro.showModal.mockResolvedValue({ confirm: true, cancel: false })
    mockTaro.openSetting.mockResolvedValue({ authSetting: { 'scope.writePhotosAlbum': true } })
    expect(await saveToAlbum(exportImage)).toBe('saved')
    expect(mockTaro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '需要相册权限', confirmText: '去设置' }))
    expect(mockTaro.openSetting).toHaveBeenCalledTimes(1)
    expect(mockTaro.authorize).not.toHaveBeenCalled()
    expect(mockTaro.saveImageToPhotosAlbum).toHaveBeenCalledWith({ filePath: 'wxfile://tmp/poster.png' })
  })

  it('once refused, saves nothing when the person still does not allow it', async () => {
    mockTaro.getSetting.mockResolvedValue({ authSetting: { 'scope.writePhotosAlbum': false } })
    mockTaro.showModal.mockResolvedValue({ confirm: true, cancel: false })
    mockTaro.openSetting.mockResolvedValue({ authSetting: { 'scope.writePhotosAlbum': false } })
    expect(await saveToAlbum(exportImage)).toBe('denied')

    mockTaro.showModal.mockResolvedValue({ confirm: false, cancel: true })
    mockTaro.openSetting.mockClear()
    expect(await saveToAlbum(exportImage)).toBe('denied')
    expect(mockTaro.openSetting).not.toHaveBeenCalled()
    expect(exportImage).not.toHaveBeenCalled()
    expect(mockTaro.saveImageToPhotosAlbum).not.toHaveBeenCalled()
  })

  it('asks once when never asked, then saves', async () => {
    mockTaro.getSetting.mockResolvedValue({ authSetting: {} })
    mockTaro.authorize.mockResolvedValue({ errMsg: 'authorize:ok' })
    expect(await saveToAlbum(exportImage)).toBe('saved')
    expect(mockTaro.authorize).toHaveBeenCalledWith({ scope: 'scope.writePhotosAlbum' })
    expect(mockTaro.showModal).not.toHaveBeenCalled()
    expect(mockTaro.saveImageToPhotosAlbum).toHaveBeenCalledWith({ filePath: 'wxfile://tmp/poster.png' })
  })

  it('saves straight away when already allowed, and reports a refusal or a failure', async () => {
    mockTaro.getSetting.mockResolvedValue({ authSetting: { 'scope.writePhotosAlbum': true } })
    expect(await saveToAlbum(exportImage)).toBe('saved')
    expect(mockTaro.authorize).not.toHaveBeenCalled()

    mockTaro.saveImageToPhotosAlbum.mockRejectedValue({ errMsg: 'saveImageToPhotosAlbum:fail' })
    expect(await saveToAlbum(exportImage)).toBe('failed')

    mockTaro.getSetting.mockResolvedValue({ authSetting: {} })
    mockTaro.authorize.mockRejectedValue({ errMsg: 'authorize:fail auth deny' })
    expect(await saveToAlbum(exportImage)).toBe('denied')

    expect(albumOutcomeToast).toEqual({
      saved: { title: '海报已保存到相册', icon: 'success' },
      denied: { title: '未获得相册权限，海报未保存', icon: 'none' },
      failed: { title: '保存失败，请重试', icon: 'none' }
    })
  })
})
