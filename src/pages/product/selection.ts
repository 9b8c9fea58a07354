import type { ProductDetail, Sku } from '../../../types'

export type Selection = Record<string, string>

/** The SKU the chosen specs name, when every dimension is chosen. */
export function skuFor(product: ProductDetail, selection: Selection): Sku | null {
  if (product.specs.some((dimension) => !selection[dimension.name])) return null
  return product.skus.find((sku) => product.specs.every((d) => sku.specs[d.name] === selection[d.name])) ?? null
}

/** Whether choosing `value` for `dimension` (with the other choices kept) can lead to a SKU in stock. */
export function canChoose(product: ProductDetail, selection: Selection, dimension: string, value: string): boolean {
  return product.skus.some(
    (sku) =>
      sku.stock > 0 &&
      sku.specs[dimension] === value &&
      Object.entries(selection).every(([name, chosen]) => name === dimension || sku.specs[name] === chosen)
  )
}

/** The first choice a shopper would make: the first SKU in stock, or nothing when all are sold out. */
export function initialSelection(product: ProductDetail): Selection {
  const sku = product.skus.find((s) => s.stock > 0)
  return sku ? { ...sku.specs } : {}
}

export function specText(product: ProductDetail, sku: Sku): string {
  return product.specs.map((d) => sku.specs[d.name]).join(' / ') || '默认'
}
