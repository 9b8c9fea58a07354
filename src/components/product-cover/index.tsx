import { Text, View } from '@tarojs/components'
import type { ProductCard } from '../../../types'
import './index.scss'

/** A product's picture, drawn from its two colours and first character: nothing to download. */
export function ProductCover({ product, size = 'card' }: { product: Pick<ProductCard, 'name' | 'cover' | 'soldOut'>; size?: 'card' | 'hero' | 'thumb' }) {
  return (
    <View
      className={`product-cover product-cover--${size}`}
      style={{ background: `linear-gradient(135deg, ${product.cover.from}, ${product.cover.to})` }}
    >
      <Text className='product-cover__mark'>{product.name.slice(0, 1)}</Text>
      {product.soldOut && <Text className='product-cover__sold-out'>已售罄</Text>}
    </View>
  )
}
