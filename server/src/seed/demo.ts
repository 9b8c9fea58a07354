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

/** Loads the demo stores when they are missing; safe to run on every start and from parallel tests. */
export async function seedDemoData(db: Queryable) {
  await db.transaction(async (tx) => {
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
  })
}

export async function isEmpty(db: Queryable) {
  const { rows } = await db.query<{ count: number }>('SELECT count(*) AS count FROM stores')
  return rows[0].count === 0
}
