import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { GoShoppingState } from '../../components/page-state'
import { ProductCover } from '../../components/product-cover'
import { MAX_QUANTITY, selectedTotals, useCartStore } from '../../stores/cart'
import { formatMoney } from '../../utils/format'
import './index.scss'

export default function CartPage() {
  const { lines, setQuantity, remove, toggle, toggleAll } = useCartStore()
  const totals = selectedTotals(lines)
  const allSelected = lines.length > 0 && lines.every((l) => l.selected)

  if (lines.length === 0) {
    return <GoShoppingState title='购物车是空的' description='挑几件喜欢的商品吧' />
  }

  const confirmRemove = async (skuId: number, name: string) => {
    const { confirm } = await Taro.showModal({ title: '移出购物车', content: `确定不要「${name}」了吗？` })
    if (confirm) remove(skuId)
  }

  return (
    <View className='cart-page'>
      <View className='cart-page__lines'>
      {lines.map((line) => (
        <View key={line.skuId} className='cart-line' data-testid={`cart-line-${line.skuId}`}>
          <Text
            className={`cart-line__check${line.selected ? ' cart-line__check--on' : ''}`}
            aria-label={line.selected ? '已选' : '未选'}
            onClick={() => toggle(line.skuId)}
          />
          <ProductCover product={{ name: line.name, cover: line.cover, soldOut: false }} size='thumb' />
          <View className='cart-line__body'>
            <Text className='cart-line__name'>{line.name}</Text>
            <Text className='cart-line__spec'>{line.specText}</Text>
            <View className='cart-line__row'>
              <Text className='cart-line__price'>{formatMoney(line.price)}</Text>
              <View className='cart-line__stepper'>
                <Text className='cart-line__button' onClick={() => (line.quantity > 1 ? setQuantity(line.skuId, line.quantity - 1) : void confirmRemove(line.skuId, line.name))}>
                  −
                </Text>
                <Text className='cart-line__quantity'>{line.quantity}</Text>
                <Text
                  className='cart-line__button'
                  onClick={() => line.quantity < Math.min(line.stock, MAX_QUANTITY) && setQuantity(line.skuId, line.quantity + 1)}
                >
                  +
                </Text>
              </View>
            </View>
            <Text className='cart-line__remove' onClick={() => void confirmRemove(line.skuId, line.name)}>
              删除
            </Text>
          </View>
        </View>
      ))}
      </View>
      <View className='cart-bar safe-bottom'>
        <Text className={`cart-line__check${allSelected ? ' cart-line__check--on' : ''}`} onClick={() => toggleAll(!allSelected)} />
        <Text className='cart-bar__all'>全选</Text>
        <Text className='cart-bar__total' data-testid='cart-total'>
          合计 {formatMoney(totals.amount)}（{totals.count} 件）
        </Text>
        <Button type='primary' size='small' disabled={totals.count === 0} onClick={() => Taro.navigateTo({ url: '/pages/checkout/index' })}>
          去结算
        </Button>
      </View>
    </View>
  )
}
