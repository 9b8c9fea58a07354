import type { Category, ProductCard, ProductDetail, Sku } from '../../../../types/catalog'
import type { Queryable } from '../../db'

export async function listCategories(db: Queryable): Promise<Category[]> {
  const { rows } = await db.query<Category>(
    `SELECT c.id, c.name FROM categories c
     WHERE EXISTS (SELECT 1 FROM products p WHERE p.category_id = c.id AND p.on_sale)
     ORDER BY c.sort, c.id`
  )
  return rows
}

const CARD_SELECT = `
  SELECT p.id, p.category_id AS "categoryId", p.name, p.subtitle,
         json_build_object('from', p.cover_from, 'to', p.cover_to) AS cover,
         COALESCE(min(s.price) FILTER (WHERE s.stock > 0), min(s.price)) AS price,
         COALESCE(sum(s.stock), 0) = 0 AS "soldOut"
  FROM products p JOIN categories c ON c.id = p.category_id JOIN skus s ON s.product_id = p.id`

export async function listProducts(
  db: Queryable,
  filter: { category?: number; search?: string; offset: number; limit: number }
): Promise<{ items: ProductCard[]; nextCursor: number | null }> {
  // position() rather than LIKE: a search for "%" or "_" means those characters, not wildcards.
  const { rows } = await db.query<ProductCard>(
    `${CARD_SELECT}
     WHERE p.on_sale AND ($1::int IS NULL OR p.category_id = $1)
       AND ($2::text IS NULL OR position(lower($2) IN lower(p.name || ' ' || p.subtitle)) > 0)
     GROUP BY p.id, c.sort ORDER BY c.sort, p.sort, p.id OFFSET $3 LIMIT $4`,
    [filter.category ?? null, filter.search ?? null, filter.offset, filter.limit + 1]
  )
  const items = rows.slice(0, filter.limit)
  return { items, nextCursor: rows.length > filter.limit ? filter.offset + filter.limit : null }
}

export async function findProduct(db: Queryable, id: number): Promise<ProductDetail | null> {
  const { rows } = await db.query<ProductCard>(`${CARD_SELECT} WHERE p.id = $1 AND p.on_sale GROUP BY p.id, c.sort`, [id])
  if (rows.length === 0) return null
  const { rows: namesRows } = await db.query<{ specNames: string[] }>('SELECT spec_names AS "specNames" FROM products WHERE id = $1', [id])
  const { rows: skus } = await db.query<Sku>('SELECT id, specs, price, stock FROM skus WHERE product_id = $1 ORDER BY id', [id])
  const specs = namesRows[0].specNames.map((name) => ({
    name,
    values: [...new Set(skus.map((sku) => sku.specs[name]).filter((value): value is string => value !== undefined))]
  }))
  return { ...rows[0], specs, skus }
}
