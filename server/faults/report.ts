import type { Attempt } from './client'
import { explainedByWechatPay, phaseOf, type FaultWindow, type Phase, type Verdicts } from './checks'
import type { ProxiedCall } from './flaky-proxy'
import type { Replica } from './replicas'
import { knownBugOf, type KnownBug } from './known-bugs'
import type { World } from './traffic'

export interface ReportInput {
  verdicts: Verdicts
  attempts: Attempt[]
  world: World
  windows: FaultWindow[]
  proxyCalls: ProxiedCall[]
  replicas: Replica[]
  loadEnd: number
  clients: number
  loadSeconds: number
  seed: number
  startedAt: number
}

const PHASES: Phase[] = ['steady', 'postgres-down', 'replica-down', 'drain']
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** The findings first, then the counts as a small table: the last lines of the run. */
export function printReport(r: ReportInput): { known: number; fresh: number } {
  const out: string[] = []
  out.push('', '── invariants ' + '─'.repeat(66))
  const bugsSeen = new Map<KnownBug, number>()
  let known = 0
  for (const v of r.verdicts.list) {
    const tagged = v.violations.map((line) => ({ line, bug: knownBugOf(v.name, line) }))
    const fresh = tagged.filter((t) => !t.bug)
    for (const t of tagged) if (t.bug) bugsSeen.set(t.bug, (bugsSeen.get(t.bug) ?? 0) + 1)
    known += tagged.length - fresh.length
    const mark = v.violations.length === 0 ? 'ok  ' : fresh.length === 0 ? 'BUG ' : 'FAIL'
    out.push(`${mark} ${v.name}  (${v.checked} checked${v.violations.length ? `, ${v.violations.length} violated` : ''})`)
    // New findings first: they are what nobody has looked at yet.
    const shown = [...fresh, ...tagged.filter((t) => t.bug)]
    for (const t of shown.slice(0, 6)) out.push(`       - ${t.bug ? `[known bug ${t.bug.id}] ` : ''}${t.line}`)
    if (shown.length > 6) out.push(`       … and ${shown.length - 6} more`)
  }
  if (bugsSeen.size) {
    out.push('', '── known server bugs seen (reported, not fixed yet) ' + '─'.repeat(28))
    for (const [bug, n] of bugsSeen) out.push(`  ${bug.id} (${n} violations): ${bug.title}`)
  }

  const errors = new Map<string, number>()
  for (const replica of r.replicas) for (const [what, n] of replica.errors) errors.set(`${replica.name}: ${what}`, (errors.get(`${replica.name}: ${what}`) ?? 0) + n)
  if (errors.size) {
    out.push('', '── server error log lines (level ≥ error), by message ' + '─'.repeat(26))
    for (const [what, n] of [...errors].sort((a, b) => b[1] - a[1]).slice(0, 12)) out.push(`  ${String(n).padStart(5)}  ${what}`)
  }

  const refusals = new Map<string, number>()
  for (const a of r.attempts) if (a.status !== null && a.status >= 400 && a.status < 500) refusals.set(`${a.status} ${a.code}`, (refusals.get(`${a.status} ${a.code}`) ?? 0) + 1)
  if (refusals.size) out.push('', `4xx answers: ${[...refusals].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ')}`)

  const byPhase = new Map<Phase, { requests: number; fivexx: number; payUnavailable: number }>(PHASES.map((p) => [p, { requests: 0, fivexx: 0, payUnavailable: 0 }]))
  for (const a of r.attempts) {
    const row = byPhase.get(phaseOf(a, r.windows, r.loadEnd))!
    row.requests++
    if (a.status !== null && a.status >= 500) {
      row.fivexx++
      if (a.status === 503 && a.code === 'PAYMENT_UNAVAILABLE' && explainedByWechatPay(a, r.proxyCalls)) row.payUnavailable++
    }
  }
  const retries = r.attempts.filter((a) => a.attempt > 1).length
  const noAnswer = r.attempts.filter((a) => a.status === null).length
  const actions = r.world.actions
  const count = (f: (a: (typeof actions)[number]) => boolean) => actions.filter(f).length
  const notifies = r.world.notifies
  const wx = { '500': 0, 'drop-before': 0, 'drop-after': 0 }
  for (const c of r.proxyCalls) if (c.fate !== 'ok') wx[c.fate]++
  const pg = r.windows.filter((w) => w.kind === 'postgres-down')
  const killed = r.windows.filter((w) => w.kind === 'replica-down' && w.label.startsWith('SIGKILL'))
  const crashed = r.windows.filter((w) => w.kind === 'replica-down' && !w.label.startsWith('SIGKILL'))

  const rows: [string, string][] = [
    ['clients × load', `${r.clients} × ${r.loadSeconds} s (seed ${r.seed})`],
    ['requests (HTTP attempts)', String(r.attempts.length)],
    ['  retries, same Idempotency-Key', String(retries)],
    ['  no answer (reset, refused, timeout)', String(noAnswer)],
    ['  answers lost on purpose, asked again', String(count((a) => a.replay !== null))],
    ['user actions ok / refused / unknown', `${count((a) => a.outcome === 'ok')} / ${count((a) => a.outcome === 'refused')} / ${count((a) => a.outcome === 'unknown')}`],
    ['  sales / orders / pays / refunds', `${count((a) => a.kind === 'sale' && a.outcome === 'ok')} / ${count((a) => a.kind === 'order' && a.outcome === 'ok')} / ${count((a) => a.kind === 'pay' && a.outcome === 'ok')} / ${count((a) => a.kind === 'refund' && a.outcome === 'ok')}`],
    ['  draws / joins via invite / cancels', `${count((a) => a.kind === 'draw' && a.outcome === 'ok')} / ${r.world.invitees.filter((p) => p.memberNo).length} / ${count((a) => a.kind === 'cancel' && a.outcome === 'ok')}`],
    ['notifies pay / refund (duplicates)', `${notifies.filter((n) => n.kind === 'pay').length} / ${notifies.filter((n) => n.kind === 'refund').length} (${notifies.filter((n) => n.duplicate).length})`],
    ...PHASES.map((p): [string, string] => {
      const row = byPhase.get(p)!
      return [`5xx ${p}`, `${row.fivexx} of ${row.requests}${row.payUnavailable ? ` (${row.payUnavailable} × 503 PAYMENT_UNAVAILABLE for WeChat Pay faults)` : ''}`]
    }),
    ['faults: PostgreSQL crash (immediate)', `${pg.length}${pg.length ? ` (down ${pg.map((w) => secs(w.to - w.from)).join(', ')})` : ''}`],
    ['faults: replica SIGKILL', `${killed.length}${killed.length ? ` (down ${killed.map((w) => secs(w.to - w.from)).join(', ')})` : ''}`],
    ['faults: WeChat Pay calls failed', `${wx['500'] + wx['drop-before'] + wx['drop-after']} of ${r.proxyCalls.length} (500: ${wx['500']}, dropped: ${wx['drop-before']}, answer lost: ${wx['drop-after']})`],
    ['replica crashes not injected', String(crashed.length)],
    ['invariants checked', `${r.verdicts.checked} checks of ${r.verdicts.list.length} invariants`],
    ['violations found', `${r.verdicts.violations}${known ? ` (${known} from known server bugs, ${r.verdicts.violations - known} new)` : ''}`],
    ['run time', secs(Date.now() - r.startedAt)]
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  out.push('', '── Loyalty Mall fault suite ' + '─'.repeat(52))
  for (const [k, v] of rows) out.push(`${k.padEnd(width)}  ${v}`)
  process.stdout.write(out.join('\n') + '\n')
  return { known, fresh: r.verdicts.violations - known }
}
