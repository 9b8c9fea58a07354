import { Input, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useShareAppMessage } from '@tarojs/taro'
import { useCallback, useRef, useState } from 'react'
import type { Category, ProductCard } from '../../../types'
import { api } from '../../api'
import { EmptyState, ErrorState, LoadingSkeleton } from '../../components/page-state'
import { ProductCover } from '../../components/product-cover'
import { messageOf } from '../../stores/member'
import { formatMoney } from '../../utils/format'
import './index.scss'

interface Listing {
  state: 'loading' | 'ready' | 'error'
  items: ProductCard[]
  nextCursor: number | null
  loadingMore: boolean
  error: string
}

const initial: Listing = { state: 'loading', items: [], nextCursor: null, loadingMore: false, error: '' }

export function ProductGrid({ items }: { items: ProductCard[] }) {
  return (
    <View className='product-grid'>
      {items.map((product) => (
        <View
          key={product.id}
          className='product-grid__item'
          data-testid={`product-${product.id}`}
          onClick={() => Taro.navigateTo({ url: `/pages/product/index?id=${product.id}` })}
        >
          <ProductCover product={product} />
          <Text className='product-grid__name'>{product.name}</Text>
          <Text className='product-grid__price'>
            {formatMoney(product.price)}
            {product.soldOut ? ' · 已售罄' : ' 起'}
          </Text>
        </View>
      ))}
    </View>
  )
}

export default function CatalogPage() {
  const [categories, setCategories] = useState<Category[]>([])
  const [category, setCategory] = useState<number | undefined>(undefined)
  const [query, setQuery] = useState('')
  const [listing, setListing] = useState<Listing>(initial)
  // Answers to an older filter or search arrive late sometimes; only the newest request may land.
  const generation = useRef(0)

  const load = useCallback(async (filter: { category?: number; q?: string }, cursor?: number) => {
    const mine = cursor === undefined ? ++generation.current : generation.current
    if (cursor === undefined) setListing(initial)
    else setListing((l) => ({ ...l, loadingMore: true }))
    try {
      const page = await api('GET /api/catalog/products', { query: { category: filter.category, q: filter.q || undefined, cursor } })
      if (mine !== generation.current) return
      setListing((l) => ({
        state: 'ready',
        items: cursor === undefined ? page.items : [...l.items, ...page.items],
        nextCursor: page.nextCursor,
        loadingMore: false,
        error: ''
      }))
    } catch (error) {
      if (mine !== generation.current) return
      if (cursor === undefined) setListing({ ...initial, state: 'error', error: messageOf(error) })
      else {
        setListing((l) => ({ ...l, loadingMore: false }))
        void Taro.showToast({ title: messageOf(error), icon: 'none' })
      }
    }
  }, [])

  const loadCategories = useCallback(async () => {
    try {
      setCategories((await api('GET /api/catalog/categories')).items)
    } catch {
      // The list still works without the category chips; its own error state says what failed.
    }
  }, [])

  useDidShow(() => {
    if (listing.state !== 'ready') {
      void loadCategories()
      void load({ category, q: query })
    }
  })
  usePullDownRefresh(async () => {
    await Promise.all([loadCategories(), load({ category, q: query })])
    Taro.stopPullDownRefresh()
  })
  useReachBottom(() => {
    if (listing.state === 'ready' && listing.nextCursor !== null && !listing.loadingMore) {
      void load({ category, q: query }, listing.nextCursor)
    }
  })
  useShareAppMessage(() => ({ title: '乐享会员商城', path: '/pages/catalog/index' }))

  const choose = (next: number | undefined) => {
    setCategory(next)
    void load({ category: next, q: query })
  }

  return (
    <View className='catalog-page safe-bottom'>
      <View className='catalog-search'>
        <Input
          className='catalog-search__input'
          placeholder='搜索商品'
          value={query}
          maxlength={30}
          confirmType='search'
          onInput={(e) => setQuery(e.detail.value)}
          onConfirm={() => void load({ category, q: query.trim() })}
        />
      </View>
      <View className='catalog-categories'>
        {[{ id: undefined, name: '全部' } as { id: number | undefined; name: string }, ...categories].map((c) => (
          <Text
            key={c.id ?? 'all'}
            className={`catalog-categories__chip${c.id === category ? ' catalog-categories__chip--on' : ''}`}
            onClick={() => choose(c.id)}
          >
            {c.name}
          </Text>
        ))}
      </View>
      {listing.state === 'loading' && <LoadingSkeleton rows={6} />}
      {listing.state === 'error' && <ErrorState message={listing.error} onRetry={() => void load({ category, q: query })} />}
      {listing.state === 'ready' && listing.items.length === 0 && (
        <EmptyState title='没有找到相关商品' description={query ? '换个关键词试试' : '该分类暂无商品，看看其他分类吧'} />
      )}
      {listing.state === 'ready' && listing.items.length > 0 && (
        <>
          <ProductGrid items={listing.items} />
          <Text className='catalog-page__foot'>
            {listing.loadingMore ? '加载中…' : listing.nextCursor === null ? '没有更多了' : '上拉加载更多'}
          </Text>
        </>
      )}
    </View>
  )
}
