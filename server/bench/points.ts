/**
 * npm run bench:points — the till sale path (one points spend + one pending earn in one
 * transaction) over HTTP, against pgbench's built-in TPC-B-like script on the same PostgreSQL.
 *
 *   (a) pgbench: `pgbench -i -s <scale>` into a fresh database, then
 *       `pgbench -c 16 -j 2 -T <seconds> -b tpcb-like`, with a per-transaction log for p50/p99;
 *   (b) ours: the real server as a child process on a fresh database, driven by 16 and then 64
 *       concurrent clients looping on POST /api/cashier/sales for the same duration.
 *
 * Environment:
 *   DATABASE_URL          admin connection (default postgres://postgres@127.0.0.1:5432/postgres);
 *                         two databases are created next to it and dropped at the end
 *   BENCH_SECONDS         duration of every measured run (default 20)
 *   BENCH_PGBENCH_SCALE   pgbench scale factor (default 16, see PGBENCH_SCALE below)
 *   PGBENCH               path of pgbench (default /usr/bin/pgbench)
 *
 * Everything it starts (pgbench, the server) is ended by pid, and both databases are dropped, on
 * success, on failure and on Ctrl-C. The server listens on 127.0.0.1 only.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { accessSync, constants as fsConstants, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import pg from 'pg'

const ROOT = path.resolve(__dirname, '../..')
const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
const PGBENCH = process.env.PGBENCH || '/usr/bin/pgbench'
const PGBENCH_CLIENTS = 16
const PGBENCH_THREADS = 2
/**
 * pgbench's documentation asks for a scale at least the number of clients, otherwise tpcb-like
 * mostly measures contention on the `pgbench_branches` rows (one per scale unit). 16 = the
 * client count, so pgbench, like our run (one member per client), has no hot row shared by clients.
 */
const PGBENCH_SCALE = positiveInt('BENCH_PGBENCH_SCALE', 16)
const SECONDS = positiveInt('BENCH_SECONDS', 20)
const CLIENT_COUNTS = [16, 64] as const
const MEMBERS = Math.max(...CLIENT_COUNTS)
/** A short unmeasured run first, so the server's JIT and the database caches are warm. */
const WARMUP_SECONDS = Math.min(3, SECONDS)

const STORE = 'SH001'
const CASHIER_KEY = 'dev-cashier-key'
const OPERATOR_KEY = 'dev-operator-key'
const GOODS_AMOUNT = 25_000 // ¥250.00
const POINTS_TO_USE = 100 // ¥10 off: one spend; the ¥240 paid earns 240 pending points
const SEED_POINTS = 1_000_000 // 10,000 sales' worth per member: spends never run out

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isSafeInteger(value) || value <= 0) {
    // Read at start-up, before anything is created: nothing to clean up yet.
    process.stderr.write(`bench:points: ${name} must be a positive integer, got ${JSON.stringify(raw)}\n`)
    process.exit(1)
  }
  return value
}

class BenchError extends Error {}
function fail(message: string): never {
  throw new BenchError(message)
}

// ---------------------------------------------------------------------------------------------
// Child processes and databases, and their cleanup (idempotent; also on SIGINT / SIGTERM)
// ---------------------------------------------------------------------------------------------

const children = new Set<ChildProcess>()
const createdDatabases: string[] = []
let adminUrl = DEFAULT_ADMIN_URL
let tmpDir: string | null = null
let interrupted = false

function track(child: ChildProcess): ChildProcess {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null

/** SIGTERM to the child's pid, then SIGKILL to the same pid if it has not exited within `graceMs`. */
async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.pid === undefined || hasExited(child)) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    process.kill(child.pid, 'SIGTERM')
  } catch {
    return // already gone
  }
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref())
  if ((await Promise.race([exited, timer])) === 'timeout' && !hasExited(child)) {
    try {
      process.kill(child.pid, 'SIGKILL')
    } catch {
      /* gone meanwhile */
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())])
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>, url = adminUrl): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end().catch(() => undefined)
  }
}

async function dropDatabase(name: string): Promise<void> {
  await withAdmin(async (client) => {
    try {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
    } catch {
      // Before PostgreSQL 13 there is no FORCE; our children are stopped by now anyway.
      await client.query(`DROP DATABASE IF EXISTS "${name}"`)
    }
  })
}

let cleanupPromise: Promise<void> | null = null
function cleanup(): Promise<void> {
  cleanupPromise ??= (async () => {
    await Promise.all([...children].map((child) => stopChild(child)))
    for (const name of createdDatabases.splice(0)) {
      try {
        await dropDatabase(name)
      } catch (error) {
        process.stderr.write(`warning: could not drop database ${name}: ${(error as Error).message}\n`)
      }
    }
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true })
  })()
  return cleanupPromise
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143]
] as const) {
  // `on`, not `once`: tsx relays the signal it gets to this process again, and a second one with
  // no listener would end the process in the middle of the cleanup. Repeats are ignored.
  let received = false
  process.on(signal, () => {
    if (received) return
    received = interrupted = true
    process.stderr.write(`\n${signal}: stopping children and dropping the benchmark databases…\n`)
    cleanup().finally(() => process.exit(code))
  })
}

// ---------------------------------------------------------------------------------------------
// CPU accounting from /proc (Linux): who used the machine's cores during a run
// ---------------------------------------------------------------------------------------------

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

function procTicks(pid: number): { comm: string; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const open = stat.indexOf('(')
    const close = stat.lastIndexOf(')')
    const fields = stat.slice(close + 2).split(' ') // from field 3 (state) on
    return { comm: stat.slice(open + 1, close), ticks: Number(fields[11]) + Number(fields[12]) } // utime + stime
  } catch {
    return null
  }
}

function machineTicks(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]
    const values = line.trim().split(/\s+/).slice(1, 9).map(Number)
    const total = values.reduce((a, b) => a + b, 0)
    return { busy: total - values[3] - values[4], total } // minus idle and iowait
  } catch {
    return null
  }
}

interface CpuReport {
  /** CPU seconds / wall seconds, i.e. cores kept busy on average. */
  postgres: number
  tracked: Record<string, number>
  self: number
  machineBusyPercent: number
}

/**
 * Samples every second, so processes that end during the run (pgbench, its backends) count up to
 * their last sample. Postgres = every process named `postgres` on this machine.
 */
function startCpuSampler(tracked: Record<string, number | undefined>) {
  if (!machineTicks()) return { stop: (): CpuReport | null => null }
  const first = new Map<number, number>()
  const last = new Map<number, { comm: string; ticks: number }>()
  const trackedPids = new Set(Object.values(tracked).filter((pid): pid is number => pid !== undefined))
  const sample = (initial: boolean) => {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      const pid = Number(entry)
      const info = procTicks(pid)
      if (!info || (info.comm !== 'postgres' && !trackedPids.has(pid))) continue
      if (!first.has(pid)) first.set(pid, initial ? info.ticks : 0)
      last.set(pid, info)
    }
  }
  sample(true)
  const machineStart = machineTicks()!
  const selfStart = process.cpuUsage()
  const wallStart = performance.now()
  const timer = setInterval(() => sample(false), 1000)
  return {
    stop(): CpuReport {
      clearInterval(timer)
      sample(false)
      const wall = (performance.now() - wallStart) / 1000
      const machineEnd = machineTicks()!
      const used = (pid: number) => ((last.get(pid)?.ticks ?? 0) - (first.get(pid) ?? 0)) / CLK_TCK
      let postgres = 0
      for (const [pid, info] of last) if (info.comm === 'postgres') postgres += used(pid)
      const self = process.cpuUsage(selfStart)
      return {
        postgres: postgres / wall,
        tracked: Object.fromEntries(Object.entries(tracked).map(([name, pid]) => [name, pid === undefined ? 0 : used(pid) / wall])),
        self: (self.user + self.system) / 1e6 / wall,
        machineBusyPercent: (100 * (machineEnd.busy - machineStart.busy)) / Math.max(1, machineEnd.total - machineStart.total)
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

interface RunResult {
  label: string
  clients: number
  seconds: number
  successes: number
  errors: number
  tps: number
  p50: number
  p99: number
  errorKinds: Map<string, { count: number; sample: string }>
  cpu: CpuReport | null
}

/** Nearest-rank percentile of ascending `sorted`. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]
}

// ---------------------------------------------------------------------------------------------
// (a) pgbench
// ---------------------------------------------------------------------------------------------

function pgbenchConnection(url: string): { args: string[]; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url)
  const args = ['-h', parsed.hostname || '127.0.0.1', '-p', parsed.port || '5432']
  if (parsed.username) args.push('-U', decodeURIComponent(parsed.username))
  const env: NodeJS.ProcessEnv = { ...process.env }
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password)
  return { args, env }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = track(spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }))
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk) => (stdout += chunk))
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
  return { child, done }
}

async function runPgbench(database: string, logDir: string): Promise<RunResult> {
  const { args: conn, env } = pgbenchConnection(adminUrl)

  process.stdout.write(`pgbench: initialising scale ${PGBENCH_SCALE} in ${database}… `)
  const t0 = performance.now()
  const init = await run(PGBENCH, [...conn, '-i', '-q', '-s', String(PGBENCH_SCALE), database], env).done
  if (init.code !== 0) fail(`pgbench -i failed (exit ${init.code}):\n${init.stderr || init.stdout}`)
  process.stdout.write(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`)

  await checkpoint()
  const logPrefix = path.join(logDir, 'pgbench_log')
  const args = [
    ...conn,
    '-c', String(PGBENCH_CLIENTS),
    '-j', String(PGBENCH_THREADS),
    '-T', String(SECONDS),
    '-b', 'tpcb-like',
    '-l', `--log-prefix=${logPrefix}`,
    database
  ]
  process.stdout.write(`pgbench: -c ${PGBENCH_CLIENTS} -j ${PGBENCH_THREADS} -T ${SECONDS} -b tpcb-like … `)
  const { child, done } = run(PGBENCH, args, env)
  const cpu = startCpuSampler({ pgbench: child.pid })
  const result = await done
  const cpuReport = cpu.stop()
  if (result.code !== 0) fail(`pgbench failed (exit ${result.code}):\n${result.stderr || result.stdout}`)

  const out = result.stdout
  const tpsMatch = /tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/.exec(out)
  if (!tpsMatch) fail(`could not find "tps = …" in pgbench's output:\n${out}`)
  const processed = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1] ?? NaN)
  const failed = Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0)
  const latencyAverage = /latency average = ([\d.]+) ms/.exec(out)?.[1]

  // Per-transaction log, one file per thread: client_id transaction_no time(µs) script_no epoch µs …
  const latencies: number[] = []
  for (const file of readdirSync(logDir).filter((name) => name.startsWith('pgbench_log'))) {
    for (const line of readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
      const micros = Number(line.split(' ')[2])
      if (line && Number.isFinite(micros)) latencies.push(micros / 1000)
    }
    rmSync(path.join(logDir, file))
  }
  const sorted = Float64Array.from(latencies).sort()
  process.stdout.write(
    `${Number(tpsMatch[1]).toFixed(0)} tps, ${processed} transactions (${sorted.length} logged), latency average ${latencyAverage} ms\n`
  )
  return {
    label: `pgbench tpcb-like (${PGBENCH_CLIENTS} clients)`,
    clients: PGBENCH_CLIENTS,
    seconds: SECONDS,
    successes: processed,
    errors: failed,
    tps: Number(tpsMatch[1]),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errorKinds: new Map(failed ? [['pgbench failed transactions', { count: failed, sample: '' }]] : []),
    cpu: cpuReport
  }
}

async function checkpoint() {
  // Start every measured run from a clean checkpoint (superuser / pg_checkpoint); skipped if refused.
  await withAdmin((client) => client.query('CHECKPOINT')).catch(() => undefined)
}

// ---------------------------------------------------------------------------------------------
// (b) the server, over HTTP
// ---------------------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

interface Server {
  child: ChildProcess
  base: string
  output: () => string
  /** Set when it exited before we stopped it. */
  died: () => string | null
  stop: () => Promise<void>
}

async function startServer(databaseUrl: string): Promise<Server> {
  const port = await freePort()
  const env: NodeJS.ProcessEnv = { ...process.env }
  // The dev WeChat adapter and the dev cashier/operator keys this script uses.
  for (const name of ['NODE_ENV', 'WX_APPID', 'WX_SECRET', 'MEMBER_CODE_SECRET', 'SESSION_SECRET']) delete env[name]
  Object.assign(env, {
    // Anything but development/test is production, which refuses the dev stand-ins above.
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    JOB_INTERVAL_SECONDS: '0',
    CASHIER_KEY,
    OPERATOR_KEY,
    H5_DIR: path.join(os.tmpdir(), `loyalty-mall-bench-no-h5-${randomUUID()}`) // does not exist: no static files
  })
  const child = track(
    spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  )
  let output = ''
  const keep = (chunk: Buffer) => {
    output += chunk.toString()
    if (output.length > 200_000) output = output.slice(-100_000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  let stopping = false
  let died: string | null = null
  child.once('exit', (code, signal) => {
    if (!stopping) died = `the server exited during the benchmark (code ${code}, signal ${signal})`
  })
  const server: Server = {
    child,
    base: `http://127.0.0.1:${port}`,
    output: () => output,
    died: () => died,
    stop: async () => {
      stopping = true
      await stopChild(child)
    }
  }

  const deadline = Date.now() + 60_000
  for (;;) {
    if (died) fail(`${died}\n${output}`)
    try {
      const response = await fetch(`${server.base}/health`)
      if (response.ok) break
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) fail(`the server did not answer /health within 60 s:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return server
}

async function api<T>(
  base: string,
  method: 'GET' | 'POST',
  url: string,
  options: { headers?: Record<string, string>; body?: unknown } = {}
): Promise<T> {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { ...(options.body !== undefined && { 'content-type': 'application/json' }), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body)
  })
  const text = await response.text()
  if (!response.ok) fail(`${method} ${url} answered ${response.status}: ${text}`)
  return JSON.parse(text) as T
}

interface Member {
  token: string
  memberNo: string
  code: string
  /** When the code's window ends (ms since epoch). */
  codeExpiresAt: number
}

/**
 * The member code is fetched once and again only when its window has ended, as the mini-program
 * does (codes rotate every 60 s; the till accepts one for 10 s after its window, so a sale in
 * flight at the turn still passes). Fetching one before every sale would add a request, a session
 * check and a member lookup to each sale, which the till path does not do. The refresh happens in
 * the client's loop (so inside the measured time, about once a minute per client) but outside the
 * sale's measured latency.
 */
async function refreshCode(base: string, member: Member) {
  const code = await api<{ code: string; expiresAt: string }>(base, 'GET', '/api/members/me/code', {
    headers: { authorization: `Bearer ${member.token}` }
  })
  member.code = code.code
  member.codeExpiresAt = Date.parse(code.expiresAt)
}

async function seedMembers(base: string, runTag: string): Promise<Member[]> {
  const seedOne = async (index: number): Promise<Member> => {
    const login = await api<{ token: string }>(base, 'POST', '/api/auth/login', { body: { code: `bench_${runTag}_${index}` } })
    const auth = { authorization: `Bearer ${login.token}` }
    const joined = await api<{ card: { memberNo: string } }>(base, 'POST', '/api/members/join', {
      headers: { ...auth, 'idempotency-key': randomUUID() },
      body: { storeCode: STORE }
    })
    await api(base, 'POST', '/api/admin/points/adjustments', {
      headers: { 'x-operator-key': OPERATOR_KEY, 'idempotency-key': randomUUID() },
      body: { memberNo: joined.card.memberNo, points: SEED_POINTS, reason: 'benchmark balance', operator: 'bench' }
    })
    const member: Member = { token: login.token, memberNo: joined.card.memberNo, code: '', codeExpiresAt: 0 }
    await refreshCode(base, member)
    return member
  }
  const members: Member[] = []
  for (let i = 0; i < MEMBERS; i += 8) {
    members.push(...(await Promise.all(Array.from({ length: Math.min(8, MEMBERS - i) }, (_, k) => seedOne(i + k)))))
  }
  return members
}

async function runSales(
  server: Server,
  members: Member[],
  clients: number,
  seconds: number,
  phase: string,
  measure: boolean
): Promise<RunResult> {
  const latencies: number[] = []
  const errorKinds = new Map<string, { count: number; sample: string }>()
  let successes = 0
  let errors = 0
  const noteError = (kind: string, sample: string) => {
    errors++
    const known = errorKinds.get(kind)
    if (known) known.count++
    else errorKinds.set(kind, { count: 1, sample: sample.slice(0, 300) })
  }

  const cpu = measure ? startCpuSampler({ server: server.child.pid }) : null
  const start = performance.now()
  const deadline = start + seconds * 1000
  const client = async (index: number) => {
    const member = members[index]
    for (let seq = 0; performance.now() < deadline && !server.died(); seq++) {
      if (Date.now() >= member.codeExpiresAt) {
        try {
          await refreshCode(server.base, member)
        } catch (error) {
          noteError('member code refresh failed', (error as Error).message)
          continue
        }
      }
      const body = JSON.stringify({
        storeCode: STORE,
        receiptNo: `${phase}-${index}-${seq}`,
        memberCode: member.code,
        goodsAmount: GOODS_AMOUNT,
        pointsToUse: POINTS_TO_USE
      })
      const t0 = performance.now()
      try {
        const response = await fetch(`${server.base}/api/cashier/sales`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-cashier-key': CASHIER_KEY, 'idempotency-key': randomUUID() },
          body
        })
        const text = await response.text()
        const elapsed = performance.now() - t0
        if (response.status >= 200 && response.status < 300) {
          const sale = JSON.parse(text) as { pointsUsed?: number; status?: string }
          if (sale.pointsUsed === POINTS_TO_USE && sale.status === 'completed') {
            successes++
            latencies.push(elapsed)
          } else noteError(`${response.status} unexpected body`, text)
        } else {
          let code = ''
          try {
            code = (JSON.parse(text) as { code?: string }).code ?? ''
          } catch {
            /* not JSON */
          }
          noteError(`HTTP ${response.status} ${code}`.trim(), text)
        }
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause
        noteError(`network ${cause?.code ?? (error as Error).message}`, cause?.message ?? String(error))
      }
    }
  }
  await Promise.all(Array.from({ length: clients }, (_, i) => client(i)))
  // Requests started before the deadline are all counted, so the time runs to the last answer.
  const elapsed = (performance.now() - start) / 1000
  const cpuReport = cpu?.stop() ?? null
  const sorted = Float64Array.from(latencies).sort()
  return {
    label: `ours: till sale over HTTP (${clients} clients)`,
    clients,
    seconds: elapsed,
    successes,
    errors,
    tps: successes / elapsed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errorKinds,
    cpu: cpuReport
  }
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

const fmt = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '—')

function printResults(results: RunResult[], pgbench: RunResult, nproc: number) {
  const header = ['run', 'TPS', 'p50 ms', 'p99 ms', 'OK', 'errors', 'seconds']
  const rows = results.map((r) => [r.label, fmt(r.tps, 1), fmt(r.p50, 2), fmt(r.p99, 2), String(r.successes), String(r.errors), fmt(r.seconds, 1)])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`)
  for (const row of rows) process.stdout.write(`${line(row)}\n`)

  process.stdout.write('\n')
  for (const r of results) {
    if (r === pgbench) continue
    process.stdout.write(`TPS ratio ours(${r.clients})/pgbench(${pgbench.clients}): ${fmt(r.tps / pgbench.tps, 3)}\n`)
  }

  process.stdout.write(`\nCPU, in cores kept busy on average (this machine has ${nproc}; sampled from /proc each second):\n`)
  for (const r of results) {
    if (!r.cpu) continue
    const parts = [`PostgreSQL ${fmt(r.cpu.postgres, 2)}`]
    for (const [name, cores] of Object.entries(r.cpu.tracked)) parts.push(`${name === 'server' ? 'app server' : 'pgbench client'} ${fmt(cores, 2)}`)
    if (r !== pgbench) parts.push(`load generator ${fmt(r.cpu.self, 2)}`)
    parts.push(`machine busy ${fmt(r.cpu.machineBusyPercent, 0)}%`)
    process.stdout.write(`  ${r.label}: ${parts.join(', ')}\n`)
  }

  for (const r of results) {
    if (r.errors === 0) continue
    process.stdout.write(`\nErrors in ${r.label}:\n`)
    for (const [kind, { count, sample }] of r.errorKinds) process.stdout.write(`  ${count} × ${kind}${sample ? `  e.g. ${sample}` : ''}\n`)
  }
}

async function main() {
  try {
    accessSync(PGBENCH, fsConstants.X_OK)
  } catch {
    fail(`pgbench not found at ${PGBENCH} (install postgresql-client, e.g. apt-get install -y postgresql-client-15, or set PGBENCH)`)
  }
  adminUrl = process.env.DATABASE_URL || DEFAULT_ADMIN_URL
  const host = new URL(adminUrl).hostname
  if (!['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(host)) {
    process.stdout.write(`note: DATABASE_URL points at ${host}, not this machine: the CPU figures below leave PostgreSQL out\n`)
  }

  const nproc = (() => {
    try {
      return Number(execFileSync('nproc', { encoding: 'utf8' }).trim())
    } catch {
      return os.availableParallelism?.() ?? os.cpus().length
    }
  })()
  const facts = await withAdmin(async (client) => {
    const version = (await client.query<{ version: string }>('SELECT version()')).rows[0].version
    const settings: string[] = []
    for (const name of ['max_connections', 'shared_buffers', 'synchronous_commit', 'fsync']) {
      settings.push(`${name}=${(await client.query(`SHOW ${name}`)).rows[0][name]}`)
    }
    return { version, settings: settings.join(' ') }
  }).catch((error: Error) => fail(`cannot connect to PostgreSQL at ${adminUrl.replace(/:[^:@/]*@/, ':***@')}: ${error.message}`))
  const pgbenchVersion = execFileSync(PGBENCH, ['--version'], { encoding: 'utf8' }).trim()

  process.stdout.write(
    [
      'Loyalty Mall points benchmark',
      `  machine:    nproc=${nproc}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
      `  node:       ${process.version}`,
      `  postgres:   ${facts.version}`,
      `              ${facts.settings}`,
      `  pgbench:    ${pgbenchVersion}, scale ${PGBENCH_SCALE}`,
      `  duration:   ${SECONDS} s per run (BENCH_SECONDS), ${WARMUP_SECONDS} s unmeasured warm-up of the server`,
      `  sale:       goodsAmount ${GOODS_AMOUNT} fen, pointsToUse ${POINTS_TO_USE} (spend + pending earn in one transaction)`,
      ''
    ].join('\n')
  )

  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
  const runTag = `${stamp}_${process.pid}`
  const pgbenchDb = `lm_bench_pgbench_${runTag}`
  const appDb = `lm_bench_app_${runTag}`
  await withAdmin(async (client) => {
    for (const name of [pgbenchDb, appDb]) {
      await client.query(`CREATE DATABASE "${name}"`)
      createdDatabases.push(name)
    }
  })
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'lm-bench-'))

  // (a) pgbench
  const pgbench = await runPgbench(pgbenchDb, tmpDir)
  await dropDatabase(pgbenchDb) // frees its disk and buffers before our run
  createdDatabases.splice(createdDatabases.indexOf(pgbenchDb), 1)

  // (b) ours
  const appUrl = withDatabase(adminUrl, appDb)
  process.stdout.write(`server: starting on ${appDb}… `)
  const server = await startServer(appUrl)
  process.stdout.write(`listening at ${server.base} (pid ${server.child.pid})\n`)
  process.stdout.write(`seed: ${MEMBERS} members, ${SEED_POINTS.toLocaleString('en')} points each… `)
  const members = await seedMembers(server.base, runTag)
  process.stdout.write('done\n')

  const warmup = await runSales(server, members, CLIENT_COUNTS[0], WARMUP_SECONDS, 'w', false)
  process.stdout.write(`warm-up: ${warmup.successes} sales, ${warmup.errors} errors (not counted)\n`)
  const ours: RunResult[] = []
  for (const [i, clients] of CLIENT_COUNTS.entries()) {
    await checkpoint()
    process.stdout.write(`ours: ${clients} clients × ${SECONDS} s … `)
    const result = await runSales(server, members, clients, SECONDS, `r${i}`, true)
    process.stdout.write(`${result.tps.toFixed(0)} tps, ${result.errors} errors\n`)
    ours.push(result)
    if (server.died()) fail(`${server.died()}\n${server.output()}`)
  }

  // Check that what was measured was real work: one store_sales row per success, ledger balanced.
  const totalOk = warmup.successes + ours.reduce((sum, r) => sum + r.successes, 0)
  const check = await withAdmin(async (client) => {
    const sales = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM store_sales')).rows[0].n)
    const unbalanced = Number(
      (
        await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM point_accounts a
           WHERE a.balance <> (SELECT coalesce(sum(amount), 0) FROM point_entries e WHERE e.member_id = a.member_id)
              OR a.pending <> (SELECT coalesce(sum(pending_change), 0) FROM point_entries e WHERE e.member_id = a.member_id)`
        )
      ).rows[0].n
    )
    return { sales, unbalanced }
  }, appUrl)

  await server.stop()
  const serverWarnings = server
    .output()
    .split('\n')
    .filter((line) => /"level":\s*(4|5|6)0/.test(line))

  const results = [pgbench, ...ours]
  printResults(results, pgbench, nproc)
  process.stdout.write(
    `\nCheck: ${check.sales} store_sales rows for ${totalOk} successful sales (warm-up included); ` +
      `${check.unbalanced} point accounts whose balance differs from their entries\n`
  )
  if (serverWarnings.length) {
    process.stdout.write(`\nThe server logged ${serverWarnings.length} warnings/errors; the first ones:\n${serverWarnings.slice(0, 5).join('\n')}\n`)
  }

  const problems: string[] = []
  const errorCount = warmup.errors + results.reduce((sum, r) => sum + r.errors, 0)
  if (errorCount) problems.push(`${errorCount} failed requests/transactions (listed above)`)
  if (check.sales !== totalOk) problems.push(`store_sales has ${check.sales} rows, expected ${totalOk}`)
  if (check.unbalanced) problems.push(`${check.unbalanced} point accounts do not match their entries`)
  if (problems.length) fail(`benchmark finished with problems: ${problems.join('; ')}`)
}

main()
  .then(async () => {
    await cleanup()
    process.exit(0)
  })
  .catch(async (error) => {
    // After Ctrl-C the children die with it; the signal handler reports and exits.
    if (interrupted) return
    process.stderr.write(`\nbench:points failed: ${error instanceof BenchError ? error.message : (error as Error)?.stack ?? error}\n`)
    await cleanup()
    process.exit(1)
  })
