import { Image, Text, View } from '@tarojs/components'
import { useDidHide, useDidShow } from '@tarojs/taro'
import qrcode from 'qrcode-generator'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { MemberCode } from '../../../types'
import { api } from '../../api'
import { messageOf } from '../../stores/member'
import './index.scss'

/** A QR image (GIF data URL: no canvas, works the same on weapp and h5). */
export function qrDataUrl(text: string): string {
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  return qr.createDataURL(6, 2)
}

/**
 * The member code a cashier scans. It changes every window, so a screenshot is useless a minute
 * later; the component fetches the next one when the current one runs out, and stops while hidden.
 */
export function MemberQrCode() {
  const [code, setCode] = useState<MemberCode | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [secondsLeft, setSecondsLeft] = useState(0)
  const [visible, setVisible] = useState(true)
  const refreshing = useRef(false)

  const refresh = useCallback(async () => {
    if (refreshing.current) return
    refreshing.current = true
    try {
      const next = await api('GET /api/members/me/code')
      setCode(next)
      setSecondsLeft(next.refreshInSeconds)
      setError(null)
    } catch (e) {
      setError(messageOf(e))
    } finally {
      refreshing.current = false
    }
  }, [])

  useDidShow(() => setVisible(true))
  useDidHide(() => setVisible(false))

  useEffect(() => {
    if (visible) void refresh()
  }, [visible, refresh])

  useEffect(() => {
    if (!visible || !code) return
    const timer = setInterval(() => {
      setSecondsLeft((left) => {
        if (left <= 1) {
          void refresh()
          return 0
        }
        return left - 1
      })
    }, 1000)
    return () => clearInterval(timer)
  }, [visible, code, refresh])

  if (error && !code) {
    return (
      <View className='member-qr member-qr--error' onClick={refresh}>
        <Text>{error}</Text>
        <Text className='member-qr__hint'>点击重试</Text>
      </View>
    )
  }
  return (
    <View className='member-qr' onClick={refresh}>
      {code ? (
        <Image className='member-qr__image' src={qrDataUrl(code.code)} mode='aspectFit' aria-label='会员码' />
      ) : (
        <View className='member-qr__image member-qr__image--placeholder' />
      )}
      <Text className='member-qr__hint'>
        {code ? `出示会员码给店员扫描 · ${secondsLeft} 秒后自动刷新` : '会员码加载中…'}
      </Text>
    </View>
  )
}
