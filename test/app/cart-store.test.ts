import Taro from '@tarojs/taro'
import { MAX_QUANTITY, selectedTotals, useCartStore } from '../../src/stores/cart'

const cup = { skuId: 7, productId: 5, name: '随行保温杯', specText: '雾蓝 / 350ml', cover: { from: '#9fb7c9', to: '#3d5a73' }, price: 12900, stock: 30 }
const beans = { skuId: 1, productId: 1, name: '云南小粒咖啡豆', specText: '250g', cover: { from: '#c8a27a', to: '#6b4226' }, price: 6800, stock: 3 }

beforeEach(() => {
  Taro.clearStorageSync()
  useCartStore.setState({ lines: [] })
})

describe('the cart', () => {
  it('adds a SKU once and merges later adds into its quantity, newest first', () => {
    const cart = useCartStore.getState()
    cart.add(cup, 1)
    cart.add(beans, 1)
    cart.add(cup, 2)
    const { lines } = useCartStore.getState()
    expect(lines.map((l) => [l.skuId, l.quantity])).toEqual([
      [1, 1],
      [7, 3]
    ])
  })

  it('never holds more than the stock, nor fewer than one, nor a sold-out SKU', () => {
    const cart = useCartStore.getState()
    cart.add(beans, 5)
    expect(useCartStore.getState().lines[0].quantity).toBe(3)
    cart.setQuantity(beans.skuId, 0)
    expect(useCartStore.getState().lines[0].quantity).toBe(1)
    cart.setQuantity(beans.skuId, 2.7)
    expect(useCartStore.getState().lines[0].quantity).toBe(2)
    cart.add({ ...cup, stock: 1000 }, 500)
    expect(useCartStore.getState().lines[0].quantity).toBe(MAX_QUANTITY)
    cart.add({ ...cup, skuId: 10, stock: 0 }, 1)
    expect(useCartStore.getState().lines.some((l) => l.skuId === 10)).toBe(false)
  })

  it('totals only the selected lines, in fen', () => {
    const cart = useCartStore.getState()
    cart.add(cup, 2)
    cart.add(beans, 1)
    expect(selectedTotals(useCartStore.getState().lines)).toEqual({ count: 3, amount: 2 * 12900 + 6800 })
    cart.toggle(cup.skuId)
    expect(selectedTotals(useCartStore.getState().lines)).toEqual({ count: 1, amount: 6800 })
    cart.toggleAll(false)
    expect(selectedTotals(useCartStore.getState().lines)).toEqual({ count: 0, amount: 0 })
    cart.remove(beans.skuId)
    expect(useCartStore.getState().lines.map((l) => l.skuId)).toEqual([cup.skuId])
  })

  it('is kept in storage across restarts', async () => {
    useCartStore.getState().add(cup, 2)
    const saved = JSON.parse(Taro.getStorageSync('lm.cart') as string)
    expect(saved.state.lines[0]).toMatchObject({ skuId: 7, quantity: 2 })

    // A restart: memory is empty, storage still has what was saved.
    const stored = Taro.getStorageSync('lm.cart') as string
    useCartStore.setState({ lines: [] })
    Taro.setStorageSync('lm.cart', stored)
    await useCartStore.persist.rehydrate()
    expect(useCartStore.getState().lines).toMatchObject([{ skuId: 7, quantity: 2, selected: true }])
  })
})
