import { create } from 'zustand'
import { persist } from 'zustand/middleware'
import { taroStorage } from './taro-storage'

/** A cart line: what the shopper saw when adding it. Prices are re-checked by the server at checkout. */
export interface CartLine {
  skuId: number
  productId: number
  name: string
  specText: string
  cover: { from: string; to: string }
  price: number
  quantity: number
  /** Stock when last seen: the stepper's upper bound. */
  stock: number
  selected: boolean
}

/** Most of one SKU a cart holds: a shopper's cart, not a wholesale order. */
export const MAX_QUANTITY = 99

interface CartState {
  lines: CartLine[]
  add(line: Omit<CartLine, 'selected' | 'quantity'>, quantity: number): void
  setQuantity(skuId: number, quantity: number): void
  remove(skuId: number): void
  toggle(skuId: number): void
  toggleAll(selected: boolean): void
}

const clamp = (quantity: number, stock: number) => Math.max(1, Math.min(Math.floor(quantity), stock, MAX_QUANTITY))

export const useCartStore = create<CartState>()(
  persist(
    (set) => ({
      lines: [],
      add(line, quantity) {
        if (line.stock <= 0) return
        set((state) => {
          const existing = state.lines.find((l) => l.skuId === line.skuId)
          if (existing) {
            return {
              lines: state.lines.map((l) =>
                l.skuId === line.skuId ? { ...l, ...line, quantity: clamp(l.quantity + quantity, line.stock), selected: true } : l
              )
            }
          }
          return { lines: [{ ...line, quantity: clamp(quantity, line.stock), selected: true }, ...state.lines] }
        })
      },
      setQuantity(skuId, quantity) {
        set((state) => ({ lines: state.lines.map((l) => (l.skuId === skuId ? { ...l, quantity: clamp(quantity, l.stock) } : l)) }))
      },
      remove(skuId) {
        set((state) => ({ lines: state.lines.filter((l) => l.skuId !== skuId) }))
      },
      toggle(skuId) {
        set((state) => ({ lines: state.lines.map((l) => (l.skuId === skuId ? { ...l, selected: !l.selected } : l)) }))
      },
      toggleAll(selected) {
        set((state) => ({ lines: state.lines.map((l) => ({ ...l, selected })) }))
      }
    }),
    { name: 'lm.cart', storage: taroStorage, version: 1 }
  )
)

/** The selected lines' count and goods amount in fen (a preview: the server prices the order). */
export function selectedTotals(lines: CartLine[]): { count: number; amount: number } {
  return lines
    .filter((l) => l.selected)
    .reduce((totals, l) => ({ count: totals.count + l.quantity, amount: totals.amount + l.price * l.quantity }), { count: 0, amount: 0 })
}
