/**
 * npm run bench:members [-- --explain [--explain-ms=N]]
 *
 * Checks the claim "the console's list of 100,000 members opens in under a second" and prints
 * figures; it is a measurement, not a test: slowness is a WARNING line, only errors (a non-200
 * answer, a wrong total or row count) end it with a non-zero exit code.
 *
 *   1. a throw-away database next to DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres):
 *      migrated, demo data seeded, then 100,000 members (users, point accounts, tags) inserted with
 *      set-based SQL and VACUUM ANALYZEd;
 *   2. the app in-process (buildApp through startTestApp), every route called with app.inject, so
 *      the figures are routing + validation + SQL + serialisation, without a network;
 *   3. each measurement: 3 warm-ups, then 30 timed calls (fewer if one measurement passes 20 s);
 *      p50 / p95 / max. Reference: a plain count(*) and ORDER BY id LIMIT 20 on the same pool.
 *
 * --explain           EXPLAIN (ANALYZE, BUFFERS) every SQL statement behind the measurements
 *                     whose median time is at least --explain-ms (default 20 ms).
 * BENCH_MEMBERS       how many members to insert (default 100000, at least 1000)
 *
 * The database is dropped WITH (FORCE) at the end: on success, on failure and on Ctrl-C.
 */
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import type { LightMyRequestResponse } from 'fastify'
import pg from 'pg'
import { connectPostgres, type Database, type Queryable } from '../src/db'
import { migrate } from '../src/db/migrate'
import { seedDemoData } from '../src/seed/demo'
import { consoleAccount, consoleCall, givePoints, operatorCall, startTestApp, type TestApp } from '../test/helpers'

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
const MEMBERS = memberCount('BENCH_MEMBERS', 100_000)
const WARMUPS = 3
const REPEATS = 30
/** Keeps the whole run to a few minutes even if one route turns out very slow. */
const CASE_BUDGET_MS = 20_000
const SLOW_MS = 1_000
const EXPLAIN = process.argv.includes('--explain')
const EXPLAIN_MS = Number(process.argv.find((a) => a.startsWith('--explain-ms='))?.split('=')[1] ?? 20)

/** Nickname parts: no character is in two lists, so a two-character search matches one (first, second) pair only. */
const NICK_PREFIXES = ['小', '阿', '大', '老']
const NICK_FIRST = ['晓', '雨', '思', '梓', '欣', '子', '浩', '宇', '俊', '佳', '一', '诗', '可', '嘉', '文', '若', '心', '天', '明', '安', '星', '乐', '芷', '语', '梦', '书', '沐', '悦', '云', '念']
const NICK_SECOND = ['萱', '涵', '琪', '轩', '怡', '彤', '辰', '然', '宁', '航', '杰', '妍', '菲', '瑶', '晨', '阳', '婷', '洋', '珊', '博', '茜', '楠', '月', '凡', '彬', '岚', '雪', '霖', '柔', '希']
const NICK_SUFFIXES = ['酱', '_sh', '2024', '喵', 'Coffee', '🌸']
const NICKNAME_SEARCH = '思琪'
const RARE_TAG = '投诉过'
/** Share of members carrying each tag; RARE_TAG is rare on purpose, to see a selective EXISTS. */
const TAGS: [string, number][] = [
  ['沉睡', 0.06],
  ['VIP', 0.03],
  ['高价值', 0.02],
  ['生日月', 0.01],
  ['投诉过', 0.005],
  ['KOC', 0.003]
]
/** 17 stores besides the 3 demo ones: a brand with 100,000 members has more than three shops. */
const EXTRA_STORES = 17

function memberCount(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  // Below 1,000 the filters and the deep page would find too few rows to mean anything.
  if (!Number.isSafeInteger(value) || value < 1000) {
    process.stderr.write(`bench:members: ${name} must be an integer of at least 1000, got ${JSON.stringify(raw)}\n`)
    process.exit(1)
  }
  return value
}

class BenchError extends Error {}
function fail(message: string): never {
  throw new BenchError(message)
}

const out = (line = '') => process.stdout.write(`${line}\n`)
const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1))
const fmtInt = (n: number) => n.toLocaleString('en')

// ---------------------------------------------------------------------------------------------
// The throw-away database and its cleanup (idempotent; also on SIGINT / SIGTERM)
// ---------------------------------------------------------------------------------------------

const adminUrl = process.env.DATABASE_URL || DEFAULT_ADMIN_URL
let benchDbName: string | null = null
let app: TestApp | null = null
let pool: Database | null = null

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end().catch(() => undefined)
  }
}

let cleanupPromise: Promise<void> | null = null
function cleanup(): Promise<void> {
  cleanupPromise ??= (async () => {
    await app?.close().catch(() => undefined)
    await pool?.close().catch(() => undefined)
    if (benchDbName) {
      const name = benchDbName
      benchDbName = null
      try {
        // FORCE: a pool connection left over by a failure must not keep the database alive.
        await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
      } catch (error) {
        process.stderr.write(`warning: could not drop database ${name}: ${(error as Error).message}\n`)
      }
    }
  })()
  return cleanupPromise
}

let interrupted = false
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143]
] as const) {
  // `on`, not `once`: tsx relays the signal to this process again, and a second one with no
  // listener would end the process in the middle of the cleanup.
  let received = false
  process.on(signal, () => {
    if (received) return
    received = interrupted = true
    process.stderr.write(`\n${signal}: dropping the benchmark database…\n`)
    cleanup().finally(() => process.exit(code))
  })
}

// ---------------------------------------------------------------------------------------------
// Seeding: set-based, so 100,000 members take seconds
// ---------------------------------------------------------------------------------------------

const sqlArray = (values: string[]) => `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]`
/** One random element of a SQL text array; `r` is a random number in [0, 1). */
const pick = (array: string, r: string) => `(${array})[1 + floor(${r} * cardinality(${array}))::int]`

async function seedMembers(client: pg.Client, now: Date): Promise<void> {
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const t0 = performance.now()
    const result = await client.query(sql, params)
    out(`  ${label.padEnd(34)} ${fmtMs(performance.now() - t0).padStart(6)} ms${result.rowCount ? `  (${fmtInt(result.rowCount)} rows)` : ''}`)
  }
  // The same data on every run (up to the dates, which follow the clock), so runs compare.
  await client.query('SELECT setseed(0.2024)')

  await step(
    'stores + staff',
    `WITH s AS (
       INSERT INTO stores (code, name, city, address)
       SELECT 'BN' || lpad(i::text, 2, '0'), '基准门店' || lpad(i::text, 2, '0'), (ARRAY['上海', '北京', '杭州', '深圳', '成都'])[1 + i % 5], '基准路 ' || i || ' 号'
       FROM generate_series(1, ${EXTRA_STORES}) i
       RETURNING id, code
     )
     INSERT INTO staff (store_id, code, name) SELECT s.id, 'B' || k, '导购' || s.code || '-' || k FROM s, generate_series(1, 3) k`
  )

  // Every random choice is made once here, so the inserts below are plain joins on `i`.
  // Stores are weighted (the flagship SH001 has six shares, the other demo stores three, the rest
  // one) and 8% of members joined online; joins are spread over two years.
  await step(
    'plan (temp table)',
    `CREATE TEMP TABLE seed AS
     WITH weighted AS (
       SELECT array_agg(s.id ORDER BY s.id) AS ids FROM stores s
       CROSS JOIN LATERAL generate_series(1, CASE s.code WHEN 'SH001' THEN 6 WHEN 'SH002' THEN 3 WHEN 'BJ001' THEN 3 ELSE 1 END)
     ),
     base AS (
       SELECT i, $1::timestamptz - random() * interval '730 days' AS joined_at,
              CASE WHEN random() < 0.08 THEN NULL ELSE w.ids[1 + floor(random() * cardinality(w.ids))::int] END AS store_id,
              random() AS r_staff, random() AS r_tier, random() AS r_growth, random() AS r_since,
              CASE WHEN random() < 0.6 THEN
                CASE WHEN random() < 0.3 THEN ${pick(sqlArray(NICK_PREFIXES), 'random()')} ELSE '' END
                || ${pick(sqlArray(NICK_FIRST), 'random()')} || ${pick(sqlArray(NICK_SECOND), 'random()')}
                || CASE WHEN random() < 0.25 THEN ${pick(sqlArray(NICK_SUFFIXES), 'random()')} ELSE '' END
              END AS nickname,
              CASE WHEN random() < 0.4 THEN date '1960-01-01' + floor(random() * 16000)::int END AS birthday,
              random() AS r_balance, random() AS r_balance2, random() AS r_pending, random() AS r_login
       FROM generate_series(1, $2::int) i, weighted w
     )
     SELECT *, CASE WHEN r_tier < 0.55 THEN floor(r_growth * 1000)
                    WHEN r_tier < 0.85 THEN 1000 + floor(r_growth * 4000)
                    WHEN r_tier < 0.97 THEN 5000 + floor(r_growth * 15000)
                    ELSE 20000 + floor(r_growth * 60000) END::int AS growth,
            NULL::integer AS user_id
     FROM base`,
    [now, MEMBERS]
  )
  await step(
    'users',
    `INSERT INTO users (openid, nickname, created_at, last_login_at)
     SELECT 'bench_' || i, nickname, joined_at - interval '2 minutes', joined_at + r_login * ($1::timestamptz - joined_at) FROM seed ORDER BY i`,
    [now]
  )
  await step('  (user ids back into the plan)', `UPDATE seed s SET user_id = u.id FROM users u WHERE u.openid = 'bench_' || s.i`)
  // Inserted in join order, so ids grow with joined_at as they do in production.
  // tier_review_at is set exactly when the tier is not 'normal' (members_tier_review_check).
  await step(
    'members',
    `WITH store_staff AS (SELECT store_id, array_agg(id ORDER BY id) AS ids FROM staff GROUP BY store_id),
     tiered AS (
       SELECT s.*, (SELECT t.code FROM tiers t WHERE t.growth_threshold <= s.growth ORDER BY t.rank DESC LIMIT 1) AS tier_code,
              greatest(s.joined_at, $1::timestamptz - s.r_since * interval '364 days') AS since,
              CASE WHEN s.store_id IS NOT NULL AND s.r_staff < 0.75 THEN ss.ids[1 + floor(s.r_staff / 0.75 * cardinality(ss.ids))::int] END AS staff_id
       FROM seed s LEFT JOIN store_staff ss ON ss.store_id = s.store_id
     )
     INSERT INTO members (user_id, joined_store_id, joined_staff_id, tier_code, growth, joined_at, tier_since, tier_review_at, birthday)
     SELECT user_id, store_id, staff_id, tier_code, growth, joined_at,
            CASE WHEN tier_code <> 'normal' THEN since END, CASE WHEN tier_code <> 'normal' THEN since + interval '1 year' END, birthday
     FROM tiered ORDER BY joined_at, i`,
    [now]
  )
  // Balances: many at 0 (ties exercise the id tie-break of the keyset), a long tail, a few debts.
  await step(
    'point_accounts',
    `INSERT INTO point_accounts (member_id, balance, pending)
     SELECT m.id,
            CASE WHEN s.r_balance < 0.15 THEN 0
                 WHEN s.r_balance < 0.153 THEN -1 - floor(s.r_balance2 * 500)::int
                 WHEN s.r_balance < 0.163 THEN 20000 + floor(s.r_balance2 * 180000)::int
                 ELSE floor(s.r_balance2 * s.r_balance2 * 20000)::int END,
            CASE WHEN s.r_pending < 0.1 THEN 10 + floor(s.r_pending * 19900)::int ELSE 0 END
     FROM seed s JOIN members m ON m.user_id = s.user_id`
  )
  for (const [tag, share] of TAGS) {
    await step(
      `member_tags ${tag}`,
      `INSERT INTO member_tags (member_id, tag, created_at)
       SELECT id, $1, joined_at + random() * ($3::timestamptz - joined_at) FROM members WHERE random() < $2`,
      [tag, share, now]
    )
  }
  await client.query('DROP TABLE seed')
  // VACUUM as well as ANALYZE: autovacuum would have set the visibility map of a table this old,
  // and without it count(*) and index-only scans pay for heap visits production does not.
  await step('VACUUM (ANALYZE)', 'VACUUM (ANALYZE) users, members, point_accounts, member_tags, stores, staff')
}

// ---------------------------------------------------------------------------------------------
// Statements behind each call: the app's database, wrapped to time every query
// ---------------------------------------------------------------------------------------------

interface Statement {
  sql: string
  params: unknown[]
  ms: number
}
let recording: Statement[] | null = null

function recorded(inner: Queryable): Queryable {
  return {
    async query<Row = Record<string, unknown>>(sql: string, params?: unknown[]) {
      const t0 = performance.now()
      try {
        return await inner.query<Row>(sql, params)
      } finally {
        recording?.push({ sql, params: params ?? [], ms: performance.now() - t0 })
      }
    },
    exec: (sql) => inner.exec(sql),
    transaction: (work) => inner.transaction((tx) => work(recorded(tx)))
  }
}

const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim()

/** A short name for a statement in the printout: what it counts or reads. */
function labelOf(sql: string): string {
  const flat = oneLine(sql)
  if (/^SELECT count\(\*\) AS n\s+FROM members m/.test(flat)) return 'count'
  if (/^SELECT m\.id, m\.member_no/.test(flat)) return /WHERE m\.id = \$1$/.test(flat) ? 'row' : 'page'
  const from = /\bFROM (\w+)/.exec(flat)?.[1]
  return `${flat.split(' ')[0].toLowerCase()} ${from ?? ''}`.trim()
}

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

interface Case {
  name: string
  /** The list pages are what "opens in under a second" is about. */
  kind: 'list' | 'detail' | 'export' | 'reference'
  call: () => Promise<LightMyRequestResponse | void>
  /** Validates the last answer and describes it (rows, total, size); throws when it is wrong. */
  check?: (response: LightMyRequestResponse) => Promise<string> | string
}

interface Result {
  name: string
  kind: Case['kind']
  times: number[]
  p50: number
  p95: number
  max: number
  described: string
  /** Median time of each distinct statement, with one sample of its parameters. */
  statements: { label: string; sql: string; params: unknown[]; median: number; count: number }[]
}

/** Nearest-rank percentile of ascending `sorted`. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]
}

function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 0.5)
}

function assertOk(c: Case, response: LightMyRequestResponse | void): void {
  if (response && response.statusCode !== 200) fail(`${c.name}: answered ${response.statusCode}: ${response.body.slice(0, 500)}`)
}

async function measure(c: Case): Promise<Result> {
  for (let i = 0; i < WARMUPS; i++) assertOk(c, await c.call())
  const times: number[] = []
  const perSql = new Map<string, { params: unknown[]; ms: number[]; count: number }>()
  let last: LightMyRequestResponse | void = undefined
  const started = performance.now()
  for (let i = 0; i < REPEATS && (i < 5 || performance.now() - started < CASE_BUDGET_MS); i++) {
    recording = []
    const t0 = performance.now()
    last = await c.call()
    times.push(performance.now() - t0)
    const statements = recording
    recording = null
    assertOk(c, last)
    // Several statements of one call may share a text (e.g. two lookups); their times add up.
    const perCall = new Map<string, { params: unknown[]; ms: number }>()
    for (const s of statements) {
      const known = perCall.get(s.sql)
      if (known) known.ms += s.ms
      else perCall.set(s.sql, { params: s.params, ms: s.ms })
    }
    for (const [sql, { params, ms }] of perCall) {
      const entry = perSql.get(sql) ?? { params, ms: [], count: statements.filter((s) => s.sql === sql).length }
      entry.ms.push(ms)
      perSql.set(sql, entry)
    }
  }
  const sorted = [...times].sort((a, b) => a - b)
  const described = last && c.check ? await c.check(last) : ''
  const statements = [...perSql]
    .map(([sql, e]) => ({ label: labelOf(sql), sql, params: e.params, median: median(e.ms), count: e.count }))
    .sort((a, b) => b.median - a.median)
  const result: Result = { name: c.name, kind: c.kind, times, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), max: sorted[sorted.length - 1], described, statements }
  const sqlParts = statements
    .filter((s) => s.median >= 0.5)
    .slice(0, 4)
    .map((s) => `${s.label}${s.count > 1 ? `×${s.count}` : ''} ${fmtMs(s.median)}`)
  out(
    `  ${c.name}: p50 ${fmtMs(result.p50)} ms, p95 ${fmtMs(result.p95)}, max ${fmtMs(result.max)} (n=${times.length})` +
      `${described ? ` — ${described}` : ''}${sqlParts.length ? `; SQL medians ms: ${sqlParts.join(', ')}` : ''}`
  )
  return result
}

interface ListAnswer {
  items: { memberNo: string; joinedAt: string; balance: number; store: { code: string } | null; tier: { code: string }; nickname: string | null; tags: string[] }[]
  nextCursor: string | null
  total: number
}

/** Follows nextCursor from the first page until `depth` rows are behind; checks the order on the way. */
async function cursorAt(t: TestApp, sort: 'joined_desc' | 'balance_desc', depth: number): Promise<string> {
  const seen = new Set<string>()
  let cursor: string | null = null
  let previous: number | null = null
  while (seen.size < depth) {
    const limit = Math.min(100, depth - seen.size)
    const response = await operatorCall(t, 'GET', `/api/admin/members?sort=${sort}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
    if (response.statusCode !== 200) fail(`walking ${sort} to row ${depth}: answered ${response.statusCode}: ${response.body}`)
    const page = response.json() as ListAnswer
    for (const item of page.items) {
      if (seen.has(item.memberNo)) fail(`walking ${sort}: member ${item.memberNo} came twice`)
      seen.add(item.memberNo)
      const value = sort === 'joined_desc' ? Date.parse(item.joinedAt) : item.balance
      if (previous !== null && value > previous) fail(`walking ${sort}: rows out of order at ${item.memberNo}`)
      previous = value
    }
    if (!page.nextCursor) fail(`walking ${sort}: the list ended after ${seen.size} rows`)
    cursor = page.nextCursor
  }
  return cursor!
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main() {
  const host = new URL(adminUrl).hostname
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) fail(`DATABASE_URL points at ${host}: this benchmark only runs against this machine`)

  const facts = await withAdmin(async (client) => {
    const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version
    const settings: string[] = []
    for (const name of ['shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost', 'jit']) {
      settings.push(`${name}=${(await client.query(`SHOW ${name}`)).rows[0][name]}`)
    }
    return { version, settings: settings.join(' ') }
  }).catch((error: Error) => fail(`cannot connect to PostgreSQL at ${adminUrl.replace(/:[^:@/]*@/, ':***@')}: ${error.message}`))

  out('Loyalty Mall member list benchmark')
  out(`  postgres ${facts.version}: ${facts.settings}`)
  out(`  node ${process.version}; ${MEMBERS.toLocaleString('en')} members; ${WARMUPS} warm-ups + ${REPEATS} timed calls each (app.inject, in-process)`)
  // Other work on the machine shows up in the figures; the load says how much there was.
  out(`  machine: ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)

  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 17)
  const name = `bench_members_${stamp}`
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`))
  benchDbName = name
  const benchUrl = withDatabase(adminUrl, name)
  out(`  database ${name} (dropped at the end)`)
  out()

  // One moment for the data and the app's clock, so "joined within two years" means the same to both.
  const now = new Date()
  const db = connectPostgres(benchUrl)
  pool = db
  const seedStart = performance.now()
  await migrate(db)
  await seedDemoData(db)
  const migrateMs = performance.now() - seedStart
  const demoMembers = Number((await db.query<{ n: number }>('SELECT count(*) AS n FROM members')).rows[0].n)
  out(`seed: migrations + demo data ${fmtMs(migrateMs)} ms (${demoMembers} demo members); bulk insert:`)
  const bulkStart = performance.now()
  const seeder = new pg.Client({ connectionString: benchUrl })
  await seeder.connect()
  try {
    await seedMembers(seeder, now)
  } finally {
    await seeder.end().catch(() => undefined)
  }
  const bulkMs = performance.now() - bulkStart
  // The bulk load leaves ~100 MB of dirty pages; written now, the checkpointer does not compete
  // with the first measurements for this machine's two cores and its disk.
  await db.query('CHECKPOINT').catch(() => undefined)
  const expectedTotal = MEMBERS + demoMembers
  out(`seed: bulk ${(bulkMs / 1000).toFixed(1)} s, in all ${((performance.now() - seedStart) / 1000).toFixed(1)} s`)

  // startTestApp names DATABASE_URL in the app's config; the app itself runs on the pool given.
  process.env.DATABASE_URL = benchUrl
  const t = await startTestApp({ db: { ...recorded(db), kind: db.kind, close: () => db.close() }, now })
  app = t

  // What the measurements look for, read from the data so they are real members and real parts.
  const one = async <T>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows[0]
  const { memberNo: middleNo } = await one<{ memberNo: string }>('SELECT member_no AS "memberNo" FROM members ORDER BY id OFFSET $1 LIMIT 1', [Math.floor(expectedTotal / 2)])
  const storeCount = async (code: string, tier?: string) =>
    (
      await one<{ n: number }>(
        `SELECT count(*) AS n FROM members m JOIN stores s ON s.id = m.joined_store_id WHERE s.code = $1 AND ($2::text IS NULL OR m.tier_code = $2)`,
        [code, tier ?? null]
      )
    ).n
  const nicknameMatches = (await one<{ n: number }>(`SELECT count(*) AS n FROM users u JOIN members m ON m.user_id = u.id WHERE u.nickname LIKE $1`, [`%${NICKNAME_SEARCH}%`])).n
  const tagMatches = (await one<{ n: number }>('SELECT count(*) AS n FROM member_tags WHERE tag = $1', [RARE_TAG])).n
  const smallStore = 'BN07'
  // The detail page's member gets a real ledger (entries, lots, adjustments, audit) through the API;
  // one starting at 0 points, so that ledger agrees with its account.
  const { memberNo: detailNo } = await one<{ memberNo: string }>(
    `SELECT m.member_no AS "memberNo" FROM members m JOIN point_accounts a ON a.member_id = m.id JOIN stores s ON s.id = m.joined_store_id
     WHERE a.balance = 0 AND a.pending = 0 AND s.code = 'SH001' ORDER BY m.id DESC LIMIT 1`
  )
  for (const points of [300, 200, 150]) await givePoints(t, detailNo, points)
  const tagged = await operatorCall(t, 'POST', `/api/admin/members/${detailNo}/tags`, { tag: '高价值' })
  if (tagged.statusCode !== 200) fail(`tagging ${detailNo}: ${tagged.statusCode} ${tagged.body}`)
  const manager = await consoleAccount(t, 'store_manager', ['SH001'])

  const walkStart = performance.now()
  // 2,000 rows deep, or less when BENCH_MEMBERS leaves no room for a full page there.
  const depth = Math.min(2000, expectedTotal - 40)
  const deepJoined = await cursorAt(t, 'joined_desc', depth)
  const deepBalance = await cursorAt(t, 'balance_desc', depth)
  out(`walked ${fmtInt(depth)} rows by nextCursor (100 a page, joined_desc and balance_desc) in ${fmtMs(performance.now() - walkStart)} ms; order and uniqueness checked`)

  const list = (query: string) => () => operatorCall(t, 'GET', `/api/admin/members${query}`)
  const listed =
    (expected: number | null, more?: (answer: ListAnswer) => void) =>
    (response: LightMyRequestResponse): string => {
      const answer = response.json() as ListAnswer
      if (expected !== null && answer.total !== expected) fail(`total is ${answer.total}, expected ${expected}`)
      more?.(answer)
      return `${answer.items.length} rows of total ${fmtInt(answer.total)}`
    }
  const sh001Gold = await storeCount('SH001', 'gold')
  const smallDiamond = await storeCount(smallStore, 'diamond')
  const sh001All = await storeCount('SH001')

  const cases: Case[] = [
    {
      name: 'first page (joined_desc)',
      kind: 'list',
      call: list(''),
      check: listed(expectedTotal, (a) => {
        if (a.items.length !== 20 || !a.nextCursor) fail('the first page should hold 20 rows and a cursor')
      })
    },
    { name: 'first page, balance_desc', kind: 'list', call: list('?sort=balance_desc'), check: listed(expectedTotal) },
    {
      name: `page ${fmtInt(depth)} rows deep (joined_desc)`,
      kind: 'list',
      call: list(`?cursor=${deepJoined}`),
      check: listed(expectedTotal, (a) => a.items.length === 20 || fail('the deep page should hold 20 rows'))
    },
    { name: `page ${fmtInt(depth)} rows deep (balance_desc)`, kind: 'list', call: list(`?sort=balance_desc&cursor=${deepBalance}`), check: listed(expectedTotal) },
    {
      name: 'filter storeCode=SH001 & tierCode=gold',
      kind: 'list',
      call: list('?storeCode=SH001&tierCode=gold'),
      check: listed(sh001Gold, (a) => a.items.every((i) => i.store?.code === 'SH001' && i.tier.code === 'gold') || fail('a row outside the filter'))
    },
    {
      name: `filter storeCode=${smallStore} & tierCode=diamond`,
      kind: 'list',
      call: list(`?storeCode=${smallStore}&tierCode=diamond`),
      check: listed(smallDiamond)
    },
    { name: `filter tag=${RARE_TAG}`, kind: 'list', call: list(`?tag=${encodeURIComponent(RARE_TAG)}`), check: listed(tagMatches) },
    {
      name: `search q=${NICKNAME_SEARCH} (nickname part)`,
      kind: 'list',
      call: list(`?q=${encodeURIComponent(NICKNAME_SEARCH)}`),
      check: listed(nicknameMatches, (a) => a.items.every((i) => i.nickname?.includes(NICKNAME_SEARCH)) || fail('a row without the nickname part'))
    },
    {
      name: `search q=${middleNo} (member number)`,
      kind: 'list',
      call: list(`?q=${middleNo}`),
      check: listed(1, (a) => a.items[0]?.memberNo === middleNo || fail(`the search did not find ${middleNo}`))
    },
    {
      name: "first page as SH001's 门店店长 (console session)",
      kind: 'list',
      call: () => consoleCall(t, manager, 'GET', '/api/admin/members'),
      check: listed(sh001All)
    },
    {
      name: 'member detail /api/admin/members/:memberNo',
      kind: 'detail',
      call: () => operatorCall(t, 'GET', `/api/admin/members/${detailNo}`),
      check: (response) => {
        const detail = response.json() as { member: { memberNo: string; balance: number }; lots: unknown[]; audit: unknown[] }
        if (detail.member.memberNo !== detailNo || detail.member.balance !== 650) fail(`the detail page shows ${JSON.stringify(detail.member)}`)
        return `${detail.lots.length} lots, ${detail.audit.length} audit entries`
      }
    },
    {
      name: 'CSV export storeCode=SH001',
      kind: 'export',
      call: () => operatorCall(t, 'GET', '/api/admin/members/export?storeCode=SH001'),
      check: (response) => {
        // No generated field holds a line break, so rows are lines: the header, then one per member.
        const rows = response.body.split('\r\n').filter(Boolean).length - 1
        if (rows !== sh001All) fail(`the export has ${rows} rows, SH001 has ${sh001All} members`)
        return `${fmtInt(rows)} rows, ${(Buffer.byteLength(response.rawPayload) / 2 ** 20).toFixed(2)} MiB`
      }
    },
    {
      name: 'reference: SELECT count(*) FROM members',
      kind: 'reference',
      call: async () => {
        const n = (await db.query<{ n: number }>('SELECT count(*) AS n FROM members')).rows[0].n
        if (n !== expectedTotal) fail(`count(*) is ${n}`)
      }
    },
    {
      name: 'reference: SELECT … FROM members ORDER BY id LIMIT 20',
      kind: 'reference',
      call: async () => {
        const { rows } = await db.query('SELECT id, member_no, joined_at, tier_code, growth FROM members ORDER BY id LIMIT 20')
        if (rows.length !== 20) fail('the reference page is short')
      }
    }
  ]

  out()
  out('measuring:')
  const results: Result[] = []
  for (const c of cases) results.push(await measure(c))

  if (EXPLAIN) {
    out()
    out(`EXPLAIN (ANALYZE, BUFFERS) of every statement with a median of ${EXPLAIN_MS} ms or more:`)
    let explained = 0
    for (const result of results) {
      for (const s of result.statements) {
        if (s.median < EXPLAIN_MS || !/^\s*(SELECT|WITH)\b/i.test(s.sql)) continue
        explained++
        const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params)
        out()
        out(`--- ${result.name} / ${s.label} (median ${fmtMs(s.median)} ms) ---`)
        out(oneLine(s.sql))
        out(`params: ${JSON.stringify(s.params)}`)
        for (const row of rows) out(row['QUERY PLAN'])
      }
    }
    if (!explained) out(`  none: every statement's median is below ${EXPLAIN_MS} ms (--explain-ms=0 shows all)`)
  }

  out()
  const slow = results.filter((r) => (r.kind === 'list' || r.kind === 'detail') && r.p95 > SLOW_MS)
  for (const r of slow) out(`WARNING: "${r.name}" p95 is ${fmtMs(r.p95)} ms, above ${SLOW_MS} ms`)
  if (!slow.length) out(`every list page and the detail page: p95 under ${SLOW_MS} ms`)
  for (const r of results.filter((r) => r.kind === 'export' && r.p95 > SLOW_MS)) {
    out(`note: "${r.name}" p95 is ${fmtMs(r.p95)} ms, above ${SLOW_MS} ms (a download, not a list page)`)
  }
  out()
  out(`Seeding: ${(bulkMs / 1000).toFixed(1)} s for ${fmtInt(MEMBERS)} members (set-based SQL + VACUUM ANALYZE), ${(migrateMs / 1000).toFixed(1)} s migrations + demo data; total answered ${fmtInt(expectedTotal)}.`)
  out()
  out('| measurement | p50 ms | p95 ms | max ms | n | answer |')
  out('| --- | ---: | ---: | ---: | ---: | --- |')
  for (const r of results) {
    out(`| ${r.name}${slow.includes(r) ? ' ⚠' : ''} | ${fmtMs(r.p50)} | ${fmtMs(r.p95)} | ${fmtMs(r.max)} | ${r.times.length} | ${r.described} |`)
  }
}

main()
  .then(async () => {
    await cleanup()
    process.exit(0)
  })
  .catch(async (error) => {
    if (interrupted) return
    process.stderr.write(`\nbench:members failed: ${error instanceof BenchError ? error.message : ((error as Error)?.stack ?? error)}\n`)
    await cleanup()
    process.exit(1)
  })
