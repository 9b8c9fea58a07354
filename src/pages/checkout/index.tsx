import { Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useEffect, useMemo, useState } from 'react'
import type { Address, PointsQuote } from '../../../types'
import { api } from '../../api'
import { EmptyState } from '../../components/page-state'
import { selectedTotals, useCartStore } from '../../stores/cart'
import { messageOf } from '../../stores/member'
import { formatMoney, formatPoints } from '../../utils/format'
import { POINTS_STEP, stepPoints } from './points'
import './index.scss'

const emptyAddress: Address = { name: '', phone: '', region: '', detail: '' }
const addressComplete = (a: Address) => a.name.trim() !== '' && /^1[3-9]\d{9}$/.test(a.phone) && a.region.trim().length >= 2 && a.detail.trim().length >= 2

export default function CheckoutPage() {
  const cartLines = useCartStore((s) => s.lines)
  const lines = useMemo(() => cartLines.filter((l) => l.selected), [cartLines])
  const removeLine = useCartStore((s) => s.remove)
  const goods = useMemo(() => selectedTotals(lines).amount, [lines])
  const [address, setAddress] = useState<Address>(emptyAddress)
  const [quote, setQuote] = useState<PointsQuote | null>(null)
  const [points, setPoints] = useState(0)
  const [submitting, setSubmitting] = useState(false)

  useEffect(() => {
    if (goods <= 0) return
    // The server's quote is the only source of the cap; the page only previews with it.
    api('GET /api/points/quote', { query: { goodsAmount: goods } })
      .then(setQuote)
      .catch(() => setQuote(null))
  }, [goods])

  if (lines.length === 0) {
    return <EmptyState title='没有要结算的商品' description='在购物车里勾选商品后再来结算' />
  }

  const bounds = { min: quote?.minPoints ?? POINTS_STEP, max: quote?.maxPoints ?? 0 }
  const deduction = quote ? points * quote.pointValueFen : 0
  const pay = goods - deduction

  const useWechatAddress = async () => {
    try {
      const picked = await Taro.chooseAddress()
      setAddress({
        name: picked.userName,
        phone: picked.telNumber,
        region: [picked.provinceName, picked.cityName, picked.countyName].join(' '),
        detail: picked.detailInfo
      })
    } catch {
      await Taro.showToast({ title: '未获取到地址，可以手动填写', icon: 'none' })
    }
  }

  const submit = async () => {
    if (!addressComplete(address)) {
      await Taro.showToast({ title: '请填写完整的收货信息', icon: 'none' })
      return
    }
    const spend = points > 0 ? `，使用 ${formatPoints(points)}` : ''
    const { confirm } = await Taro.showModal({ title: '确认支付', content: `支付 ${formatMoney(pay)}${spend}` })
    if (!confirm) return
    setSubmitting(true)
    try {
      const order = await api('POST /api/orders', {
        body: { items: lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity })), pointsToUse: points > 0 ? points : undefined, address }
      })
      for (const line of lines) removeLine(line.skuId)
      const payment = await api('POST /api/orders/:orderNo/pay', { params: { orderNo: order.orderNo } })
      await Taro.showToast({ title: `支付成功，获得 ${payment.pointsEarned} 积分`, icon: 'success' })
      await Taro.redirectTo({ url: '/pages/orders/index' })
    } catch (error) {
      await Taro.showToast({ title: messageOf(error), icon: 'none' })
    } finally {
      setSubmitting(false)
    }
  }

  const field = (key: keyof Address, placeholder: string) => (
    <Input
      className='checkout-address__input'
      placeholder={placeholder}
      value={address[key]}
      type={key === 'phone' ? 'number' : 'text'}
      maxlength={key === 'detail' ? 120 : 30}
      onInput={(e) => setAddress((a) => ({ ...a, [key]: e.detail.value }))}
    />
  )

  return (
    <View className='checkout-page'>
      <View className='checkout-card checkout-address'>
        <View className='checkout-card__head'>
          <Text className='checkout-card__title'>收货信息</Text>
          {process.env.TARO_ENV === 'weapp' && (
            <Text className='checkout-card__link' onClick={useWechatAddress}>
              使用微信地址
            </Text>
          )}
        </View>
        {field('name', '收货人')}
        {field('phone', '手机号')}
        {field('region', '省 市 区')}
        {field('detail', '详细地址')}
      </View>

      <View className='checkout-card'>
        {lines.map((line) => (
          <View key={line.skuId} className='checkout-line'>
            <Text className='checkout-line__name'>
              {line.name} · {line.specText}
            </Text>
            <Text>
              {formatMoney(line.price)} × {line.quantity}
            </Text>
          </View>
        ))}
        <View className='checkout-line'>
          <Text>商品金额</Text>
          <Text data-testid='checkout-goods'>{formatMoney(goods)}</Text>
        </View>
      </View>

      <View className='checkout-card checkout-points'>
        <View className='checkout-line'>
          <Text>积分抵扣</Text>
          <View className='checkout-points__stepper'>
            <Text className='checkout-points__button' onClick={() => setPoints((p) => stepPoints(p, -POINTS_STEP, bounds))}>
              −
            </Text>
            <Text className='checkout-points__value' data-testid='checkout-points'>
              {points}
            </Text>
            <Text className='checkout-points__button' onClick={() => setPoints((p) => stepPoints(p, POINTS_STEP, bounds))}>
              +
            </Text>
          </View>
        </View>
        <Text className='checkout-points__hint' data-testid='checkout-points-hint'>
          {quote === null
            ? '积分信息加载中…'
            : quote.maxPoints === 0
              ? `本单不可使用积分（${formatPoints(quote.minPoints)}起用，当前 ${formatPoints(quote.balance)}）`
              : points > 0
                ? `使用 ${formatPoints(points)}抵 ${formatMoney(deduction)}（本单最多 ${formatPoints(quote.maxPoints)}）`
                : `本单最多可用 ${formatPoints(quote.maxPoints)}，抵 ${formatMoney(quote.maxDeductionFen)}`}
        </Text>
      </View>

      <View className='checkout-bar safe-bottom'>
        <Text className='checkout-bar__pay' data-testid='checkout-pay'>
          实付 {formatMoney(pay)}
        </Text>
        <Button type='primary' loading={submitting} disabled={submitting} onClick={submit}>
          提交订单
        </Button>
      </View>
    </View>
  )
}
