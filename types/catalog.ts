import { Type, type Static } from '@sinclair/typebox'
import { strictObject } from './common'
import { defineRoutes } from './route'

const Fen = Type.Integer({ minimum: 0, description: 'fen' })

export const CategorySchema = Type.Object({ id: Type.Integer(), name: Type.String() })
export type Category = Static<typeof CategorySchema>

const Cover = Type.Object({ from: Type.String(), to: Type.String() })

export const ProductCardSchema = Type.Object({
  id: Type.Integer(),
  categoryId: Type.Integer(),
  name: Type.String(),
  subtitle: Type.String(),
  cover: Cover,
  /** The lowest price of its SKUs that are in stock (of all SKUs when sold out). */
  price: Fen,
  soldOut: Type.Boolean()
})
export type ProductCard = Static<typeof ProductCardSchema>

export const SkuSchema = Type.Object({
  id: Type.Integer(),
  specs: Type.Record(Type.String(), Type.String()),
  price: Fen,
  stock: Type.Integer({ minimum: 0 })
})
export type Sku = Static<typeof SkuSchema>

export const ProductDetailSchema = Type.Object({
  ...ProductCardSchema.properties,
  /** The spec dimensions and their values in display order, e.g. 颜色: [黑, 白]. */
  specs: Type.Array(Type.Object({ name: Type.String(), values: Type.Array(Type.String()) })),
  skus: Type.Array(SkuSchema)
})
export type ProductDetail = Static<typeof ProductDetailSchema>

export const catalogRoutes = defineRoutes({
  'GET /api/catalog/categories': {
    summary: 'Categories that have products on sale',
    tags: ['catalog'],
    auth: 'none',
    response: Type.Object({ items: Type.Array(CategorySchema) }),
    errors: []
  },
  'GET /api/catalog/products': {
    summary: 'Products on sale, by category or by a search of their names, paged',
    tags: ['catalog'],
    auth: 'none',
    query: Type.Object(
      {
        category: Type.Optional(Type.Integer({ minimum: 1 })),
        q: Type.Optional(Type.String({ minLength: 1, maxLength: 30 })),
        cursor: Type.Optional(Type.Integer({ minimum: 0 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 }))
      },
      strictObject
    ),
    response: Type.Object({ items: Type.Array(ProductCardSchema), nextCursor: Type.Union([Type.Integer(), Type.Null()]) }),
    errors: []
  },
  'GET /api/catalog/products/:id': {
    summary: 'A product with its specs and SKUs (price and stock each)',
    tags: ['catalog'],
    auth: 'none',
    params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }, strictObject),
    response: ProductDetailSchema,
    errors: ['PRODUCT_NOT_FOUND']
  }
})
