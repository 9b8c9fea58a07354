/**
 * The fault suite (`npm run test:faults`): a throw-away PostgreSQL cluster, two server replicas on
 * it sharing Redis, a WeChat Pay fake behind a proxy that is slow and fails a fifth of the calls,
 * and 64 clients of mixed traffic for 60 s. Midway PostgreSQL is killed (`pg_ctl stop -m
 * immediate`) and started again; later one replica is SIGKILLed and restarted. Clients retry with
 * their Idempotency-Key. Afterwards the database is checked against everything the clients were
 * told, and the counts are printed; the exit code is non-zero when an invariant was violated.
 *
 * Knobs (environment): FAULTS_CLIENTS (64), FAULTS_LOAD_SECONDS (60), FAULTS_SEED (random; the
 * traffic's choices, not its timing), FAULTS_KEEP_LOGS=1 keeps the replicas' logs and the request
 * records, FAULTS_ALLOW_KNOWN_BUGS=1 exits 0 when every violation is a known bug (known-bugs.ts), PG_BIN.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, cpSync, existsSync, readFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { connectPostgres, type Database } from '../src/db'
import { startFakeWechatPay, type FakeWechatPay } from '../test/support/fake-wechat-pay'
import { Api } from './client'
import { runChecks, type FaultWindow } from './checks'
import { startFakeWechat, type FakeWechat } from './fake-wechat'
import { startFlakyProxy, type FlakyProxy } from './flaky-proxy'
import { createTempCluster, serverLogTail, type TempCluster } from './postgres'
import { Replica, type ReplicaEvent } from './replicas'
import { printReport } from './report'
import { World, type Person } from './traffic'

const CLIENTS = Number(process.env.FAULTS_CLIENTS ?? 64)
const LOAD_SECONDS = Number(process.env.FAULTS_LOAD_SECONDS ?? 60)
const SEED = Number(process.env.FAULTS_SEED ?? Math.floor(Math.random() * 2 ** 31))
/** After the load, unanswered work is sent again until this long: past the 60 s after which a dead attempt's key may be taken over. */
const DRAIN_MAX_MS = 75_000
const TIER_TEMPLATE = 'fault-suite-tier-up'
const REDIS_URL = 'redis://127.0.0.1:6379'
const repoRoot = path.resolve(__dirname, '../..')

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const run = promisify(execFile)

/** mulberry32: the traffic's choices reproducible from the printed seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function mapLimit<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        results[i] = await work(items[i], i)
      }
    })
  )
  return results
}

const log = (message: string) => process.stdout.write(`[faults +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${message}\n`)
const startedAt = Date.now()

// ---- cleanup: everything this run started, by its own handle or pid, whatever happens ---------
const cleanups: { name: string; run: () => Promise<unknown> }[] = []
/** Synchronous last resorts for a hard exit: kill our own children by pid. */
const lastResorts: (() => void)[] = []
let cleaning: Promise<void> | null = null
/** Set as cleanup begins: nothing may be (re)started after it. */
let stopping = false

function cleanupAll(): Promise<void> {
  stopping = true
  cleaning ??= (async () => {
    for (const step of cleanups.reverse()) {
      try {
        await Promise.race([step.run(), sleep(20_000).then(() => Promise.reject(new Error('timed out')))])
      } catch (error) {
        process.stderr.write(`cleanup ${step.name} failed: ${(error as Error).message}\n`)
      }
    }
  })()
  return cleaning
}

// `on`, not `once`: wrappers (npm, tsx) pass the signal on again, and a process with no listener
// left would exit in the middle of its cleanup. A third signal means "now": our children by pid.
let signals = 0
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    signals++
    if (signals === 1) {
      process.stderr.write(`\n${signal}: cleaning up\n`)
      void cleanupAll().finally(() => process.exit(130))
    } else if (signals >= 3) {
      for (const f of lastResorts) f()
      process.exit(130)
    }
  })
}
process.on('exit', () => {
  for (const f of lastResorts) f()
})

/** Redis for the shared rate limits: the machine's, or one we start (and stop) ourselves. */
async function ensureRedis(workDir: string) {
  try {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'ping'], { timeout: 5000 })
    if (stdout.trim() === 'PONG') return
  } catch {
    // not running (or no redis-cli): start it
  }
  const pidFile = path.join(workDir, 'redis.pid')
  await run('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no', '--pidfile', pidFile])
  for (let i = 0; i < 50 && !existsSync(pidFile); i++) await sleep(100)
  const pid = Number(readFileSync(pidFile, 'utf8').trim())
  log(`started Redis (pid ${pid})`)
  const stop = () => {
    try {
      process.kill(pid, 'SIGTERM')
    } catch {
      // gone already
    }
  }
  cleanups.push({ name: 'redis', run: async () => stop() })
  lastResorts.push(stop)
}

async function main(): Promise<number> {
  log(`seed ${SEED}, ${CLIENTS} clients, ${LOAD_SECONDS} s of load`)
  const random = seeded(SEED)
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'loyalty-faults-run-'))
  cleanups.push({
    name: 'work dir',
    run: async () => {
      if (process.env.FAULTS_KEEP_LOGS) {
        const kept = `${workDir}-logs`
        cpSync(workDir, kept, { recursive: true })
        process.stdout.write(`replica logs kept in ${kept}\n`)
      }
      rmSync(workDir, { recursive: true, force: true })
    }
  })
  await ensureRedis(workDir)

  // ---- PostgreSQL of our own ---------------------------------------------------------------
  const [pgPort, portA, portB] = [await freePort(), await freePort(), await freePort()]
  const cluster: TempCluster = await createTempCluster(pgPort)
  cleanups.push({ name: 'postgres cluster', run: () => cluster.destroy() })
  lastResorts.push(() => {
    const pid = cluster.postmasterPid()
    if (pid) {
      try {
        process.kill(pid, 'SIGQUIT')
      } catch {
        // gone
      }
    }
  })
  await cluster.start()
  await cluster.createdb('loyalty_faults')
  const databaseUrl = cluster.url('loyalty_faults')
  log(`PostgreSQL on 127.0.0.1:${pgPort} (${cluster.dir})`)

  // ---- WeChat Pay (slow, failing) and WeChat --------------------------------------------------
  const notifyUrl = `http://127.0.0.1:${portA}/api/pay/wechat/notify`
  const fakePay: FakeWechatPay = await startFakeWechatPay({ notifyUrl })
  cleanups.push({ name: 'wechat pay fake', run: () => fakePay.close() })
  const proxy: FlakyProxy = await startFlakyProxy(fakePay.url, { minLatencyMs: 2000, maxLatencyMs: 3000, failRate: 0.2, random })
  cleanups.push({ name: 'flaky proxy', run: () => proxy.close() })
  const wechat: FakeWechat = await startFakeWechat(fakePay.options.appId)
  cleanups.push({ name: 'wechat fake', run: () => wechat.close() })
  const privateKeyFile = path.join(workDir, 'merchant-key.pem')
  const publicKeyFile = path.join(workDir, 'wechatpay-public.pem')
  writeFileSync(privateKeyFile, fakePay.options.merchantPrivateKey, { mode: 0o600 })
  writeFileSync(publicKeyFile, fakePay.options.platformPublicKey)

  // ---- two replicas ------------------------------------------------------------------------
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    JOB_INTERVAL_SECONDS: '2',
    LOG_LEVEL: 'warn',
    H5_DIR: path.join(workDir, 'no-h5'),
    ADMIN_DIR: path.join(workDir, 'no-admin'),
    REDIS_URL,
    // Counters of this run only, shared by both replicas.
    RATE_LIMIT_NAMESPACE: `loyalty-mall-faults:${SEED}:${Date.now()}:`,
    // One hop: the clients play phones behind a load balancer, each with its own address.
    TRUST_PROXY: '1',
    WX_APPID: fakePay.options.appId,
    WX_SECRET: wechat.secret,
    WX_API_BASE: wechat.url,
    WX_TIER_UPGRADE_TEMPLATE_ID: TIER_TEMPLATE,
    WXPAY_MCHID: fakePay.options.mchId,
    WXPAY_MERCHANT_SERIAL: fakePay.options.merchantSerial,
    WXPAY_PRIVATE_KEY_FILE: privateKeyFile,
    WXPAY_APIV3_KEY: fakePay.options.apiV3Key,
    WXPAY_PUBLIC_KEY_ID: fakePay.options.platformPublicKeyId,
    WXPAY_PUBLIC_KEY_FILE: publicKeyFile,
    WXPAY_NOTIFY_URL: notifyUrl,
    WXPAY_API_BASE: proxy.url
  }
  const replicaEvents: ReplicaEvent[] = []
  const windows: FaultWindow[] = []
  let finishing = false
  // A supervisor's restart for a replica that died by itself: the run goes on (and reports it).
  const onCrash = (replica: Replica) => {
    if (stopping || finishing) return
    log(`replica ${replica.name} died by itself: restarting it`)
    const window: FaultWindow = { kind: 'replica-down', label: `crash ${replica.name}`, from: Date.now(), to: Date.now() }
    windows.push(window)
    void (async () => {
      while (!finishing && !stopping) {
        await sleep(1000)
        if (finishing || stopping) break
        try {
          await replica.start()
          break
        } catch (error) {
          log(`restart of ${replica.name} failed: ${(error as Error).message}`)
        }
      }
      window.to = Date.now()
    })()
  }
  const replicas = [
    new Replica('A', portA, env, repoRoot, workDir, replicaEvents, onCrash),
    new Replica('B', portB, env, repoRoot, workDir, replicaEvents, onCrash)
  ]
  cleanups.push({
    name: 'replicas',
    run: async () => {
      finishing = true
      for (const r of replicas) r.retired = true
      await Promise.all(replicas.map((r) => r.stop()))
      for (const r of replicas) r.killNow()
      await Promise.all(replicas.map((r) => r.closeLog()))
    }
  })
  for (const r of replicas) lastResorts.push(() => r.killNow())
  // In parallel: migrations serialise on an advisory lock, the demo seed on another.
  await Promise.all(replicas.map((r) => r.start(90_000)))
  log(`replicas A :${portA} (pid ${replicas[0].pid}) and B :${portB} (pid ${replicas[1].pid}) up`)

  // ---- setup: SKUs, a coupon template, 64 members ------------------------------------------
  const api = new Api(replicas, random)
  let db: Database = connectPostgres(databaseUrl)
  const newSku = async (name: string, price: number, stock: number) => {
    const { rows: products } = await db.query<{ id: number }>(
      `INSERT INTO products (category_id, name, subtitle, spec_names) VALUES ((SELECT id FROM categories ORDER BY id LIMIT 1), $1, '故障演练', '{规格}') RETURNING id`,
      [name]
    )
    const { rows } = await db.query<{ id: number }>(`INSERT INTO skus (product_id, specs, price, stock) VALUES ($1, '{"规格": "标准"}', $2, $3) RETURNING id`, [products[0].id, price, stock])
    return { id: rows[0].id, price }
  }
  // The hot one sells out during the run: stock must stop at 0, not below.
  const skus = { hot: await newSku('限量款保温杯', 9900, 120), regular: await newSku('羊毛围巾', 25900, 100_000), cheap: await newSku('帆布袋', 4900, 100_000) }
  const template = await api.request(
    {
      route: 'POST /api/admin/coupon-templates',
      method: 'POST',
      path: '/api/admin/coupon-templates',
      body: { name: '演练满50减10', rule: { kind: 'amount', amountOff: 1000, threshold: 5000 }, validity: { days: 30 }, perMemberLimit: 50 },
      headers: { 'x-operator-key': 'dev-operator-key' },
      key: `flt_template_${SEED}`,
      pin: 0
    },
    { deadline: Date.now() + 30_000, timeoutMs: 10_000 }
  )
  if (template.kind !== 'ok') throw new Error(`coupon template: ${JSON.stringify(template)}`)
  const world = new World(api, fakePay, { random, skus, couponTemplateId: template.body.id, loseAnswerRate: 0.08 })
  world.deadline = Date.now() + 120_000
  const persons: Person[] = await mapLimit(Array.from({ length: CLIENTS }, (_, i) => i), 16, (i) => world.setupMember(i, i % replicas.length))
  const skuStockBefore = new Map<number, number>()
  for (const row of (await db.query<{ id: number; stock: number }>('SELECT id, stock FROM skus WHERE id = ANY($1)', [[skus.hot.id, skus.regular.id, skus.cheap.id]])).rows) skuStockBefore.set(row.id, row.stock)
  const prizeStockBefore = new Map<number, number>()
  for (const row of (await db.query<{ id: number; stock: number | null }>('SELECT id, stock FROM draw_prizes')).rows) if (row.stock !== null) prizeStockBefore.set(row.id, row.stock)
  // Our own pool must not be open when PostgreSQL is killed (an idle client's error would be ours to handle).
  await db.close()
  log(`setup done: ${persons.length} members with 3,100 积分 and 2 coupons each; SKUs ${skus.hot.id} (stock 120), ${skus.regular.id}, ${skus.cheap.id}`)

  // ---- the load, with the faults ---------------------------------------------------------------
  proxy.setFaults(true)
  const loadStart = Date.now()
  const loadEnd = loadStart + LOAD_SECONDS * 1000
  world.deadline = loadEnd
  const at = (fraction: number) => loadStart + fraction * LOAD_SECONDS * 1000
  let crashAt = Number.POSITIVE_INFINITY
  const faults = (async () => {
    await sleep(at(1 / 3) - Date.now())
    const pgWindow: FaultWindow = { kind: 'postgres-down', label: 'pg_ctl stop -m immediate', from: Date.now(), to: Number.POSITIVE_INFINITY }
    windows.push(pgWindow)
    crashAt = pgWindow.from
    log('PostgreSQL: pg_ctl stop -m immediate')
    await cluster.crash()
    await sleep(4000)
    await cluster.start()
    pgWindow.to = Date.now()
    log(`PostgreSQL back after ${((pgWindow.to - pgWindow.from) / 1000).toFixed(1)} s (crash recovery done)`)

    await sleep(Math.max(0, at(2 / 3) - Date.now()))
    const victim = replicas[1]
    // If it is being restarted after a crash of its own, the kill waits for it to be up.
    while (!victim.up && Date.now() < loadEnd) await sleep(200)
    const killWindow: FaultWindow = { kind: 'replica-down', label: `SIGKILL ${victim.name}`, from: Date.now(), to: Number.POSITIVE_INFINITY }
    windows.push(killWindow)
    log(`replica ${victim.name}: SIGKILL (pid ${victim.pid})`)
    victim.kill()
    await sleep(5000)
    await victim.start(60_000)
    killWindow.to = Date.now()
    log(`replica ${victim.name} restarted (pid ${victim.pid})`)
  })()
  const progress = setInterval(() => log(`${api.attempts.length} requests, ${world.actions.length} actions`), 15_000)
  await Promise.all([...persons.map((p) => world.client(p, loadEnd)), faults])
  clearInterval(progress)
  log(`load done: ${api.attempts.length} requests; ${world.unresolved.length} without a final answer`)

  // ---- drain: every unanswered action again (same key), every paid order looked at -------------
  const drainEnd = Date.now() + DRAIN_MAX_MS
  world.deadline = drainEnd
  const pendingItems = world.unresolved.filter((item) => item.outcome === 'unknown')
  await mapLimit(pendingItems, 16, (item) => world.resolve(item))
  db = connectPostgres(databaseUrl)
  cleanups.push({ name: 'check pool', run: () => db.close() })
  // A payment whose notify was lost (or answered 5xx) is found by the order page's query.
  for (let round = 0; Date.now() < drainEnd; round++) {
    const { rows } = await db.query<{ orderNo: string }>("SELECT order_no AS \"orderNo\" FROM orders WHERE status = 'pending_payment' AND order_no = ANY($1)", [[...world.paidAtWechat.keys()]])
    if (rows.length === 0) break
    await mapLimit(rows, 16, async ({ orderNo }) => {
      const p = world.paidAtWechat.get(orderNo)!
      await api.request(
        { route: 'GET /api/orders/:orderNo', method: 'GET', path: `/api/orders/${orderNo}`, headers: { authorization: `Bearer ${p.token}`, 'x-forwarded-for': p.xff }, pin: p.pin },
        { deadline: drainEnd, timeoutMs: 8000 }
      )
    })
    if (round > 0) await sleep(500)
  }
  // The tier-up messages the jobs still have to send.
  for (let i = 0; i < 30; i++) {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tier_notices WHERE sent_at IS NULL AND NOT failed')
    if (rows[0].n === 0) break
    await sleep(500)
  }
  log(`drain done: ${world.unresolved.filter((i) => i.outcome === 'unknown').length} still without an answer`)
  finishing = true
  await Promise.all(replicas.map((r) => r.stop()))

  // ---- checks and the report ---------------------------------------------------------------------
  const verdicts = await runChecks({
    db,
    world,
    attempts: api.attempts,
    windows,
    proxyCalls: proxy.calls,
    wechat,
    replicaEvents,
    loadEnd,
    crashAt,
    skuStockBefore,
    prizeStockBefore,
    tierTemplateId: TIER_TEMPLATE
  })
  // The raw record, for writing up a finding (kept with FAULTS_KEEP_LOGS=1).
  writeFileSync(path.join(workDir, 'attempts.jsonl'), api.attempts.map((a) => JSON.stringify(a)).join('\n'))
  writeFileSync(path.join(workDir, 'actions.jsonl'), world.actions.map(({ body: _body, ...a }) => JSON.stringify(a)).join('\n'))
  writeFileSync(path.join(workDir, 'faults.json'), JSON.stringify({ windows, replicaEvents, proxyCalls: proxy.calls.filter((c) => c.fate !== 'ok') }, null, 1))
  if (verdicts.violations > 0) process.stdout.write(`\nPostgreSQL log (last lines):\n${serverLogTail(cluster, 8)}\n`)
  const { known, fresh } = printReport({ verdicts, attempts: api.attempts, world, windows, proxyCalls: proxy.calls, replicas, loadEnd, clients: CLIENTS, loadSeconds: LOAD_SECONDS, seed: SEED, startedAt })
  // Known bugs fail the run too, unless whoever runs it chose to accept them for now.
  return fresh > 0 || (known > 0 && !process.env.FAULTS_ALLOW_KNOWN_BUGS) ? 1 : 0
}

main()
  .then(async (code) => {
    await cleanupAll()
    process.exit(code)
  })
  .catch(async (error) => {
    process.stderr.write(`fault suite failed to run: ${error instanceof Error ? error.stack : error}\n`)
    await cleanupAll()
    process.exit(2)
  })

