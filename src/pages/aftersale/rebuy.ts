import type { Order, ProductDetail } from '../../../types'
import { api } from '../../api'
import { useCartStore } from '../../stores/cart'
import { specText } from '../product/selection'

/** The catalog's search takes at most this many characters. */
const SEARCH_MAX = 30

/**
 * The products an order's items came from. An order line names its SKU but not its product, so
 * each product is found by name among those on sale and then by the SKU in its detail; a product
 * taken off sale is not found, which is the answer 再次购买 needs anyway.
 */
async function productsFor(order: Order): Promise<Map<number, ProductDetail>> {
  const names = [...new Set(order.items.map((item) => item.productName))]
  const bySku = new Map<number, ProductDetail>()
  await Promise.all(
    names.map(async (name) => {
      const { items } = await api('GET /api/catalog/products', { query: { q: name.slice(0, SEARCH_MAX), limit: 20 } })
      const details = await Promise.all(
        items.filter((card) => card.name === name).map((card) => api('GET /api/catalog/products/:id', { params: { id: card.id } }))
      )
      for (const product of details) for (const sku of product.skus) bySku.set(sku.id, product)
    })
  )
  return bySku
}

/**
 * 再次购买: the order's items go into the cart at today's price, as many as were bought (up to the
 * stock). Answers how many lines went in and the items that are sold out or no longer on sale.
 */
export async function addOrderToCart(order: Order): Promise<{ added: number; unavailable: string[] }> {
  const bySku = await productsFor(order)
  const { add } = useCartStore.getState()
  let added = 0
  const unavailable: string[] = []
  for (const item of order.items) {
    const product = bySku.get(item.skuId)
    const sku = product?.skus.find((s) => s.id === item.skuId)
    if (!product || !sku || sku.stock <= 0) {
      unavailable.push(item.productName)
      continue
    }
    add({ skuId: sku.id, productId: product.id, name: product.name, specText: specText(product, sku), cover: product.cover, price: sku.price, stock: sku.stock }, item.quantity)
    added += 1
  }
  return { added, unavailable }
}
