import type { FastifyInstance } from 'fastify'
import { catalogRoutes } from '../../../../types/catalog'
import { AppError } from '../../http/errors'
import { registerRoutes } from '../../http/routes'
import { findProduct, listCategories, listProducts } from './repository'

export function registerCatalogRoutes(app: FastifyInstance) {
  registerRoutes(app, app.services, catalogRoutes, {
    'GET /api/catalog/categories': async ({ db }) => ({ items: await listCategories(db) }),
    'GET /api/catalog/products': async ({ db, input }) => {
      const { category, q, cursor = 0, limit = 20 } = input.query
      return listProducts(db, { category, search: q?.trim() || undefined, offset: cursor, limit })
    },
    'GET /api/catalog/products/:id': async ({ db, input }) => {
      const product = await findProduct(db, input.params.id)
      if (!product) throw new AppError('PRODUCT_NOT_FOUND')
      return product
    }
  })
}
