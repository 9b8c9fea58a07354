import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, type WriteStream } from 'node:fs'
import path from 'node:path'

export interface ReplicaEvent {
  at: number
  replica: string
  kind: 'started' | 'killed' | 'crashed' | 'stopped'
  detail?: string
  /** For a crash: the error lines the process logged last. */
  reason?: string
}

/** One process of a replica; the flags belong to it, so a restart never confuses the old one with the new. */
interface Running {
  child: ChildProcess
  /** Still waiting for /health: a death now fails the start, it is not a crash. */
  starting: boolean
  /** We killed or stopped it. */
  expected: boolean
  /** Its last error lines, for a crash's reason. */
  lastErrors: string[]
}

/** One server replica (`node --import tsx server/src/main.ts`), restartable; one process at a time. */
export class Replica {
  readonly url: string
  private current: Running | null = null
  /** Every process ever started, so cleanup can reap one that bookkeeping lost. */
  private readonly spawned: ChildProcess[] = []
  private startingNow: Promise<void> | null = null
  private log: WriteStream
  /** Error lines of its log (JSON level ≥ 50, or plain lines saying Error), with counts: what a 500 or a crash was about. */
  readonly errors = new Map<string, number>()
  up = false

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly repoRoot: string,
    logDir: string,
    private readonly events: ReplicaEvent[],
    /** Called when the process dies without being asked to: a supervisor would restart it. */
    private readonly onCrash: (replica: Replica) => void
  ) {
    this.url = `http://127.0.0.1:${port}`
    this.log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' })
  }

  get pid(): number | null {
    return this.current?.child.pid ?? null
  }

  /** Set when the run ends: from then on nothing starts it again (a late restart would outlive the suite). */
  retired = false

  /** Starts it unless it runs or is starting already (then waits for that start). */
  start(timeoutMs = 60_000): Promise<void> {
    if (this.retired) return Promise.reject(new Error(`replica ${this.name} is retired`))
    if (this.startingNow) return this.startingNow
    if (this.current) return Promise.resolve()
    this.startingNow = this.spawnAndWait(timeoutMs).finally(() => {
      this.startingNow = null
    })
    return this.startingNow
  }

  private async spawnAndWait(timeoutMs: number): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: this.repoRoot,
      env: { ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own: Ctrl-C (or a CI timeout) signals our group, and the replicas
      // must stop when the suite stops them, not shut down by themselves and look like crashes.
      detached: true
    })
    this.spawned.push(child)
    const running: Running = { child, starting: true, expected: false, lastErrors: [] }
    this.current = running
    let pending = ''
    const onOutput = (chunk: Buffer) => {
      this.log.write(chunk)
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        const what = this.noteError(line)
        if (what) running.lastErrors = [...running.lastErrors, what].slice(-3)
      }
    }
    child.stdout!.on('data', onOutput)
    child.stderr!.on('data', onOutput)
    const exited = new Promise<void>((resolve) =>
      child.on('exit', (code, signal) => {
        if (this.current === running) {
          this.current = null
          this.up = false
        }
        resolve()
        if (running.expected || running.starting) return
        this.events.push({ at: Date.now(), replica: this.name, kind: 'crashed', detail: `exit ${code ?? ''}${signal ?? ''}`, reason: running.lastErrors.join(' | ') || undefined })
        this.onCrash(this)
      })
    )
    try {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        if (this.current !== running) throw new Error(`replica ${this.name} exited while starting (see its log)`)
        try {
          const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1000) })
          if (response.ok) break
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) {
          running.expected = true
          child.kill('SIGKILL')
          await exited
          throw new Error(`replica ${this.name} did not become healthy in ${timeoutMs} ms`)
        }
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    } finally {
      running.starting = false
    }
    this.up = true
    this.events.push({ at: Date.now(), replica: this.name, kind: 'started' })
  }

  /** Counts an error line of the log; answers what it was about, or null for other lines. */
  private noteError(line: string): string | null {
    let what: string | null = null
    if (!line.startsWith('{')) {
      // Node's own report of a crash: the first lines say what was thrown.
      if (/^([A-Z]\w*Error: |.*Unhandled 'error' event|Loyalty Mall failed)/.test(line.trim())) what = line.trim().slice(0, 200)
    } else {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string; type?: string }; job?: string }
        if ((entry.level ?? 0) >= 50) what = `${entry.msg ?? ''}${entry.job ? ` [${entry.job}]` : ''}: ${entry.err?.type ?? ''} ${entry.err?.message ?? ''}`.slice(0, 200)
      } catch {
        // a partial line
      }
    }
    if (what) this.errors.set(what, (this.errors.get(what) ?? 0) + 1)
    return what
  }

  /** SIGKILL: no shutdown hook runs, open transactions are cut off mid-way. */
  kill(): void {
    const running = this.current
    if (!running) return
    running.expected = true
    this.up = false
    running.child.kill('SIGKILL')
    this.events.push({ at: Date.now(), replica: this.name, kind: 'killed' })
  }

  /** SIGTERM and wait (SIGKILL after a while): the end of the run. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.startingNow) await this.startingNow.catch(() => undefined)
    const running = this.current
    if (!running) return
    running.expected = true
    this.up = false
    const exited = new Promise<void>((resolve) => (running.child.exitCode !== null || running.child.signalCode !== null ? resolve() : running.child.once('exit', () => resolve())))
    running.child.kill('SIGTERM')
    const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs)
    await exited
    clearTimeout(timer)
    this.events.push({ at: Date.now(), replica: this.name, kind: 'stopped' })
  }

  /** Synchronous last resort (cleanup, an exit handler): every child of ours still alive, by its pid. */
  killNow(): void {
    if (this.current) this.current.expected = true
    for (const child of this.spawned) {
      if (!child.pid || child.exitCode !== null || child.signalCode !== null) continue
      try {
        process.kill(child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }

  closeLog(): Promise<void> {
    return new Promise((resolve) => this.log.end(() => resolve()))
  }
}
