import type { CouponTemplate } from '../../../types/coupons'
import { insertTemplate } from '../modules/coupons/repository'
import { createActivity } from '../modules/draw/admin'
import type { Queryable } from '../db'

/** The demo brand's stores and staff, for `npm start` and tests. */
export const DEMO_STORES = [
  {
    code: 'SH001',
    name: '上海南京西路旗舰店',
    city: '上海',
    address: '上海市静安区南京西路 1266 号 1 层',
    phone: '021-62880001',
    staff: [
      { code: 'E07', name: '王小慧' },
      { code: 'E12', name: '李想' }
    ]
  },
  {
    code: 'SH002',
    name: '上海徐家汇店',
    city: '上海',
    address: '上海市徐汇区虹桥路 1 号 B1 层',
    phone: '021-64260002',
    staff: [{ code: 'E03', name: '陈静' }]
  },
  {
    code: 'BJ001',
    name: '北京三里屯店',
    city: '北京',
    address: '北京市朝阳区三里屯路 19 号 2 层',
    phone: '010-64170003',
    staff: [
      { code: 'E01', name: '赵一鸣' },
      { code: 'E05', name: '孙悦' }
    ]
  }
] as const

type DemoProduct = {
  name: string
  subtitle: string
  cover: [string, string]
  specNames: string[]
  skus: { specs: Record<string, string>; price: number; stock: number }[]
}

/** The demo brand's catalog: prices in fen. */
export const DEMO_CATALOG: { category: string; products: DemoProduct[] }[] = [
  {
    category: '咖啡',
    products: [
      {
        name: '云南小粒咖啡豆',
        subtitle: '中度烘焙 · 坚果与焦糖风味',
        cover: ['#c8a27a', '#6b4226'],
        specNames: ['规格'],
        skus: [
          { specs: { 规格: '250g' }, price: 6800, stock: 120 },
          { specs: { 规格: '500g' }, price: 12800, stock: 60 }
        ]
      },
      {
        name: '冷萃咖啡液',
        subtitle: '12 杯装 · 冰水即溶',
        cover: ['#a9825a', '#3e2a1a'],
        specNames: ['口味'],
        skus: [
          { specs: { 口味: '经典' }, price: 5900, stock: 80 },
          { specs: { 口味: '燕麦拿铁' }, price: 6900, stock: 0 }
        ]
      }
    ]
  },
  {
    category: '茶饮',
    products: [
      {
        name: '白桃乌龙冷泡茶',
        subtitle: '10 袋装',
        cover: ['#f4c6c0', '#c46a6a'],
        specNames: [],
        skus: [{ specs: {}, price: 3900, stock: 200 }]
      },
      {
        name: '限量桂花礼盒',
        subtitle: '已售罄，敬请期待补货',
        cover: ['#f3dc8d', '#b8891e'],
        specNames: [],
        skus: [{ specs: {}, price: 16800, stock: 0 }]
      }
    ]
  },
  {
    category: '周边',
    products: [
      {
        name: '随行保温杯',
        subtitle: '316 不锈钢 · 500ml',
        cover: ['#9fb7c9', '#3d5a73'],
        specNames: ['颜色', '容量'],
        skus: [
          { specs: { 颜色: '雾蓝', 容量: '350ml' }, price: 12900, stock: 30 },
          { specs: { 颜色: '雾蓝', 容量: '500ml' }, price: 14900, stock: 25 },
          { specs: { 颜色: '燕麦白', 容量: '350ml' }, price: 12900, stock: 5 },
          { specs: { 颜色: '燕麦白', 容量: '500ml' }, price: 14900, stock: 0 }
        ]
      }
    ]
  }
]

async function seedCatalog(tx: Queryable) {
  const { rows } = await tx.query<{ count: number }>('SELECT count(*) AS count FROM products')
  if (rows[0].count > 0) return
  for (const [categorySort, { category, products }] of DEMO_CATALOG.entries()) {
    const { rows: categories } = await tx.query<{ id: number }>(
      `INSERT INTO categories (name, sort) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET sort = EXCLUDED.sort RETURNING id`,
      [category, categorySort]
    )
    for (const [productSort, product] of products.entries()) {
      const { rows: inserted } = await tx.query<{ id: number }>(
        `INSERT INTO products (category_id, name, subtitle, cover_from, cover_to, spec_names, sort)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [categories[0].id, product.name, product.subtitle, product.cover[0], product.cover[1], product.specNames, productSort]
      )
      for (const sku of product.skus) {
        await tx.query('INSERT INTO skus (product_id, specs, price, stock) VALUES ($1, $2, $3, $4)', [
          inserted[0].id,
          JSON.stringify(sku.specs),
          sku.price,
          sku.stock
        ])
      }
    }
  }
}

/** Coupon templates an operator would start with; issued to members through the admin API. */
export const DEMO_COUPON_TEMPLATES: Omit<CouponTemplate, 'id' | 'active'>[] = [
  { name: '新人专享券', rule: { kind: 'amount', amountOff: 1000, threshold: 9900 }, validity: { days: 30 }, perMemberLimit: 1 },
  { name: '满199减20', rule: { kind: 'amount', amountOff: 2000, threshold: 19900 }, validity: { days: 30 }, perMemberLimit: 3 },
  { name: '会员9折券', rule: { kind: 'percent', percentOff: 10, maxDiscount: 5000, threshold: 0 }, validity: { days: 15 }, perMemberLimit: 1 },
  { name: '金卡月度券', rule: { kind: 'amount', amountOff: 1500, threshold: 9900 }, validity: { days: 30 }, perMemberLimit: 100 },
  { name: '钻石月度券', rule: { kind: 'amount', amountOff: 3000, threshold: 19900 }, validity: { days: 30 }, perMemberLimit: 100 }
]

/** The tier whose members get each monthly coupon. */
const MONTHLY_TIER_COUPONS = { gold: '金卡月度券', diamond: '钻石月度券' }

async function seedCouponTemplates(tx: Queryable) {
  const { rows } = await tx.query<{ count: number }>('SELECT count(*) AS count FROM coupon_templates')
  if (rows[0].count > 0) return
  for (const template of DEMO_COUPON_TEMPLATES) await insertTemplate(tx, template, new Date())
  for (const [tierCode, templateName] of Object.entries(MONTHLY_TIER_COUPONS)) {
    await tx.query(
      'UPDATE tiers SET monthly_coupon_template_id = (SELECT id FROM coupon_templates WHERE name = $2 ORDER BY id LIMIT 1) WHERE code = $1',
      [tierCode, templateName]
    )
  }
}

/** The demo lucky draw: a year from the day it is seeded, 50 积分 a draw, one free draw a day. */
async function seedDrawActivity(tx: Queryable) {
  const { rows } = await tx.query<{ count: number }>('SELECT count(*) AS count FROM draw_activities')
  if (rows[0].count > 0) return
  const templateId = async (name: string) => (await tx.query<{ id: number }>('SELECT id FROM coupon_templates WHERE name = $1 ORDER BY id LIMIT 1', [name])).rows[0].id
  const now = new Date()
  await createActivity(
    tx,
    {
      code: 'lucky-grid',
      name: '幸运九宫格',
      startsAt: new Date(now.getTime() - 86_400_000).toISOString(),
      endsAt: new Date(now.getTime() + 365 * 86_400_000).toISOString(),
      costPoints: 50,
      freeDrawsPerDay: 1,
      dailyLimit: 10,
      claimDays: 7,
      rules: '每次抽奖消耗 50 积分，每天首次免费，每天最多 10 次。积分奖励即时到账，优惠券放入「我的优惠券」，实物奖品请在 7 天内填写收货地址。',
      prizes: [
        { name: '100 积分', kind: 'points', points: 100, weight: 150 },
        { name: '满199减20券', kind: 'coupon', couponTemplateId: await templateId('满199减20'), weight: 100 },
        { name: '谢谢参与', kind: 'thanks', weight: 400 },
        { name: '10 积分', kind: 'points', points: 10, weight: 250 },
        { name: '随行保温杯', kind: 'physical', weight: 5, stock: 10, perMemberCap: 1 },
        { name: '会员9折券', kind: 'coupon', couponTemplateId: await templateId('会员9折券'), weight: 60 },
        { name: '500 积分', kind: 'points', points: 500, weight: 30 },
        { name: '蓝牙耳机', kind: 'physical', weight: 5, stock: 3, perMemberCap: 1 }
      ]
    },
    now
  )
}

/** Loads the demo stores and catalog when they are missing; safe to run on every start and from parallel tests. */
export async function seedDemoData(db: Queryable) {
  await db.transaction(async (tx) => {
    // Test processes seed one shared database at once; one at a time keeps the catalog single.
    await tx.query('SELECT pg_advisory_xact_lock(7301002)')
    for (const store of DEMO_STORES) {
      await tx.query(
        `INSERT INTO stores (code, name, city, address, phone) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING`,
        [store.code, store.name, store.city, store.address, store.phone]
      )
      for (const staff of store.staff) {
        await tx.query(
          `INSERT INTO staff (store_id, code, name) SELECT id, $2, $3 FROM stores WHERE code = $1
           ON CONFLICT (store_id, code) DO NOTHING`,
          [store.code, staff.code, staff.name]
        )
      }
    }
    await seedCatalog(tx)
    await seedCouponTemplates(tx)
    await seedDrawActivity(tx)
    // The friend's gift of an invite, when none is chosen yet.
    await tx.query(
      `UPDATE loyalty_referral_rules SET new_member_coupon_template_id = (SELECT id FROM coupon_templates WHERE name = '新人专享券' ORDER BY id LIMIT 1)
       WHERE new_member_coupon_template_id IS NULL`
    )
  })
}
