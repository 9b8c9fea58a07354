import { Text, View } from '@tarojs/components'
import Taro, { useRouter, useShareAppMessage } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useCallback, useEffect, useState } from 'react'
import type { ProductDetail } from '../../../types'
import { api, ApiError } from '../../api'
import { ErrorState, GoShoppingState, LoadingSkeleton } from '../../components/page-state'
import { ProductCover } from '../../components/product-cover'
import { useCartStore } from '../../stores/cart'
import { messageOf } from '../../stores/member'
import { formatMoney } from '../../utils/format'
import { canChoose, initialSelection, skuFor, specText, type Selection } from './selection'
import './index.scss'

type ProductView = { state: 'loading' } | { state: 'gone' } | { state: 'error'; message: string } | { state: 'ready'; product: ProductDetail }

export default function ProductPage() {
  const { params } = useRouter()
  const id = Number(params.id)
  const addToCart = useCartStore((s) => s.add)
  const [view, setView] = useState<ProductView>({ state: 'loading' })
  const [selection, setSelection] = useState<Selection>({})
  const [quantity, setQuantity] = useState(1)

  const load = useCallback(async () => {
    if (!Number.isSafeInteger(id) || id <= 0) return setView({ state: 'gone' })
    setView({ state: 'loading' })
    try {
      const product = await api('GET /api/catalog/products/:id', { params: { id } })
      setSelection(initialSelection(product))
      setView({ state: 'ready', product })
    } catch (error) {
      if (error instanceof ApiError && (error.code === 'PRODUCT_NOT_FOUND' || error.code === 'VALIDATION_FAILED')) setView({ state: 'gone' })
      else setView({ state: 'error', message: messageOf(error) })
    }
  }, [id])

  useEffect(() => {
    void load()
  }, [load])
  useShareAppMessage(() => ({
    title: view.state === 'ready' ? view.product.name : '乐享会员商城',
    path: `/pages/product/index?id=${id}`
  }))

  if (view.state === 'loading') return <LoadingSkeleton rows={8} />
  if (view.state === 'error') return <ErrorState message={view.message} onRetry={load} />
  if (view.state === 'gone') {
    return <GoShoppingState title='商品不存在或已下架' description='去看看其他商品吧' />
  }

  const { product } = view
  const sku = skuFor(product, selection)
  const stock = sku?.stock ?? 0
  const choose = (dimension: string, value: string) => {
    setSelection((s) => ({ ...s, [dimension]: value }))
    setQuantity(1)
  }
  const onAdd = () => {
    if (!sku || stock === 0) return
    addToCart(
      { skuId: sku.id, productId: product.id, name: product.name, specText: specText(product, sku), cover: product.cover, price: sku.price, stock },
      quantity
    )
    void Taro.showToast({ title: '已加入购物车', icon: 'success' })
  }

  return (
    <View className='product-page'>
      <ProductCover product={product} size='hero' />
      <View className='product-info'>
        <Text className='product-info__price' data-testid='product-price'>
          {formatMoney(sku?.price ?? product.price)}
        </Text>
        <Text className='product-info__name'>{product.name}</Text>
        <Text className='product-info__subtitle'>{product.subtitle}</Text>
      </View>
      {product.specs.map((dimension) => (
        <View key={dimension.name} className='product-spec'>
          <Text className='product-spec__name'>{dimension.name}</Text>
          <View className='product-spec__values'>
            {dimension.values.map((value) => {
              const available = canChoose(product, selection, dimension.name, value)
              const on = selection[dimension.name] === value
              return (
                <Text
                  key={value}
                  className={`product-spec__value${on ? ' product-spec__value--on' : ''}${available ? '' : ' product-spec__value--off'}`}
                  onClick={() => available && choose(dimension.name, value)}
                >
                  {value}
                </Text>
              )
            })}
          </View>
        </View>
      ))}
      <View className='product-quantity'>
        <Text>数量</Text>
        <View className='product-quantity__stepper'>
          <Text className='product-quantity__button' onClick={() => setQuantity((q) => Math.max(1, q - 1))}>
            −
          </Text>
          <Text className='product-quantity__value'>{quantity}</Text>
          <Text className='product-quantity__button' onClick={() => setQuantity((q) => Math.min(stock, q + 1, 99))}>
            +
          </Text>
        </View>
        <Text className='product-quantity__stock' data-testid='product-stock'>
          {stock > 0 ? `库存 ${stock} 件` : '已售罄'}
        </Text>
      </View>
      <View className='product-actions safe-bottom'>
        <Button fill='outline' onClick={() => Taro.switchTab({ url: '/pages/cart/index' })}>
          购物车
        </Button>
        <Button type='primary' disabled={!sku || stock === 0} onClick={onAdd}>
          {stock === 0 ? '已售罄' : '加入购物车'}
        </Button>
      </View>
    </View>
  )
}
