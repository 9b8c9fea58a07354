import type { ProductDetail } from '../../types'
import { canChoose, initialSelection, skuFor, specText } from '../../src/pages/product/selection'

const cup: ProductDetail = {
  id: 5,
  categoryId: 3,
  name: '随行保温杯',
  subtitle: '',
  cover: { from: '#9fb7c9', to: '#3d5a73' },
  price: 12900,
  soldOut: false,
  specs: [
    { name: '颜色', values: ['雾蓝', '燕麦白'] },
    { name: '容量', values: ['350ml', '500ml'] }
  ],
  skus: [
    { id: 7, specs: { 颜色: '雾蓝', 容量: '350ml' }, price: 12900, stock: 0 },
    { id: 8, specs: { 颜色: '雾蓝', 容量: '500ml' }, price: 14900, stock: 25 },
    { id: 9, specs: { 颜色: '燕麦白', 容量: '350ml' }, price: 12900, stock: 5 },
    { id: 10, specs: { 颜色: '燕麦白', 容量: '500ml' }, price: 14900, stock: 0 }
  ]
}

describe('choosing a SKU on the product page', () => {
  it('starts on the first SKU in stock', () => {
    expect(initialSelection(cup)).toEqual({ 颜色: '雾蓝', 容量: '500ml' })
    expect(initialSelection({ ...cup, skus: cup.skus.map((s) => ({ ...s, stock: 0 })) })).toEqual({})
  })

  it('names a SKU only when every dimension is chosen', () => {
    expect(skuFor(cup, { 颜色: '燕麦白', 容量: '350ml' })?.id).toBe(9)
    expect(skuFor(cup, { 颜色: '燕麦白' })).toBeNull()
    expect(specText(cup, cup.skus[2])).toBe('燕麦白 / 350ml')
  })

  it('greys out values that lead only to sold-out SKUs, given the other choices', () => {
    expect(canChoose(cup, { 颜色: '雾蓝', 容量: '500ml' }, '容量', '350ml')).toBe(false)
    expect(canChoose(cup, { 颜色: '燕麦白', 容量: '350ml' }, '容量', '500ml')).toBe(false)
    expect(canChoose(cup, { 颜色: '燕麦白', 容量: '350ml' }, '颜色', '雾蓝')).toBe(false)
    expect(canChoose(cup, { 颜色: '雾蓝', 容量: '500ml' }, '颜色', '燕麦白')).toBe(false)
    expect(canChoose(cup, { 颜色: '燕麦白' }, '容量', '350ml')).toBe(true)
  })

  it('a product without specs has one SKU and a default label', () => {
    const tea: ProductDetail = { ...cup, specs: [], skus: [{ id: 3, specs: {}, price: 3900, stock: 200 }] }
    expect(skuFor(tea, {})?.id).toBe(3)
    expect(specText(tea, tea.skus[0])).toBe('默认')
  })
})
