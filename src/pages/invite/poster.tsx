import { Canvas, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useEffect, useRef, useState } from 'react'
import { api } from '../../api'
import { messageOf } from '../../stores/member'
import { albumOutcomeToast, saveToAlbum } from './album'
import { POSTER_SIZE, posterLayout } from './poster-layout'
import { renderPoster, type PosterContext, type PosterImages } from './poster-render'
import './poster.scss'

const CANVAS_ID = 'invite-poster'

/** The canvas node in both builds: weapp's Canvas object, or the h5 build's <canvas>. */
type PosterCanvas = Taro.Canvas & { toDataURL?: (type?: string) => string }

function queryCanvas(): Promise<{ canvas: PosterCanvas; width: number; height: number }> {
  return new Promise((resolve, reject) => {
    Taro.createSelectorQuery()
      .select(`#${CANVAS_ID}`)
      .fields({ node: true, size: true })
      .exec(([result]) => (result?.node ? resolve({ canvas: result.node, width: result.width, height: result.height }) : reject(new Error('poster canvas not found'))))
  })
}

function loadImage(canvas: PosterCanvas, src: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // A weapp canvas only draws its own images; the browser's canvas has no createImage.
    const image = typeof canvas.createImage === 'function' ? canvas.createImage() : new Image()
    image.onload = () => resolve(image)
    image.onerror = () => reject(new Error(`image failed to load: ${src}`))
    image.src = src
  })
}

/** weapp's canvas images take a file path, not a data URL: the code goes through a temp file. */
async function codeImageSource(dataUrl: string): Promise<string> {
  if (process.env.TARO_ENV !== 'weapp') return dataUrl
  const match = /^data:image\/(\w+)[^,]*;base64,(.+)$/.exec(dataUrl)
  if (!match) throw new Error('the mini-program code is not a base64 image')
  const filePath = `${Taro.env.USER_DATA_PATH}/invite-code.${match[1] === 'jpeg' ? 'jpg' : match[1]}`
  await new Promise((resolve, reject) => {
    Taro.getFileSystemManager().writeFile({ filePath, data: match[2], encoding: 'base64', success: resolve, fail: reject })
  })
  return filePath
}

async function drawPoster(props: PosterProps): Promise<PosterCanvas> {
  const [{ dataUrl }, { canvas, width, height }] = await Promise.all([api('GET /api/referral/me/code-image'), queryCanvas()])
  const dpr = Taro.getWindowInfo().pixelRatio
  canvas.width = Math.round(width * dpr)
  canvas.height = Math.round(height * dpr)
  const ctx = canvas.getContext('2d') as unknown as PosterContext & Pick<CanvasRenderingContext2D, 'scale'>
  ctx.scale(canvas.width / POSTER_SIZE.width, canvas.height / POSTER_SIZE.height)

  const images: PosterImages = { code: await loadImage(canvas, await codeImageSource(dataUrl)) }
  if (props.avatar) {
    // A temp avatar WeChat has since cleaned up falls back to the initial, not to no poster.
    images.avatar = await loadImage(canvas, props.avatar).catch(() => undefined)
  }
  renderPoster(ctx, posterLayout(POSTER_SIZE, { nickname: props.nickname, offer: props.offer, hasAvatar: Boolean(images.avatar) }), images)
  return canvas
}

/** The browser has no album: the poster downloads as a file instead. */
function downloadPoster(canvas: PosterCanvas) {
  const link = document.createElement('a')
  link.href = canvas.toDataURL?.('image/png') ?? ''
  link.download = '乐享会员邀请海报.png'
  link.click()
}

interface PosterProps {
  nickname: string | null
  offer: string
  /** chooseAvatar's temp path, or null. */
  avatar: string | null
  onClose: () => void
}

type PosterView = { state: 'drawing' } | { state: 'ready' } | { state: 'error'; message: string }

/** The invite poster over the page: drawn once when opened, then saved to the album on a tap. */
export function InvitePoster(props: PosterProps) {
  const [view, setView] = useState<PosterView>({ state: 'drawing' })
  const [saving, setSaving] = useState(false)
  const canvas = useRef<PosterCanvas | null>(null)

  useEffect(() => {
    // Counted when made, not when saved: a screenshot of the poster brings friends too.
    api('POST /api/referral/shares', { body: { channel: 'poster' } }).catch(() => undefined)
    // Drawing waits a tick: the canvas node only exists once this overlay has rendered.
    Taro.nextTick(() => {
      drawPoster(props)
        .then((drawn) => {
          canvas.current = drawn
          setView({ state: 'ready' })
        })
        .catch((error: unknown) => setView({ state: 'error', message: messageOf(error) }))
    })
    // Drawn once per opening; the overlay closes before anything it shows can change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const save = async () => {
    const drawn = canvas.current
    if (!drawn || saving) return
    if (process.env.TARO_ENV !== 'weapp') {
      downloadPoster(drawn)
      return
    }
    setSaving(true)
    try {
      const outcome = await saveToAlbum(async () => (await Taro.canvasToTempFilePath({ canvas: drawn, fileType: 'png' })).tempFilePath)
      void Taro.showToast(albumOutcomeToast[outcome])
    } finally {
      setSaving(false)
    }
  }

  return (
    <View className='invite-poster' catchMove>
      <View className='invite-poster__frame'>
        <Canvas type='2d' id={CANVAS_ID} className='invite-poster__canvas' />
        {view.state !== 'ready' && (
          <View className='invite-poster__status'>
            <Text>{view.state === 'drawing' ? '海报生成中…' : view.message}</Text>
          </View>
        )}
      </View>
      <View className='invite-poster__actions'>
        <Button type='primary' disabled={view.state !== 'ready' || saving} loading={saving} onClick={() => void save()}>
          {process.env.TARO_ENV === 'weapp' ? '保存到相册' : '下载海报'}
        </Button>
        <Button fill='outline' onClick={props.onClose}>
          关闭
        </Button>
      </View>
    </View>
  )
}
