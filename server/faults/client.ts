import type { Replica } from './replicas'

/** One HTTP attempt, as the fault report classifies it afterwards. */
export interface Attempt {
  /** The contract's route key (`POST /api/orders`), or a label for non-contract calls. */
  route: string
  path: string
  replica: string | null
  start: number
  end: number
  /** null: no answer (connection refused or reset, or our timeout). */
  status: number | null
  code: string | null
  error: string | null
  /** 1 for the first attempt of a request, 2… for its retries with the same Idempotency-Key. */
  attempt: number
  key: string | null
}

export interface RequestSpec {
  route: string
  method: 'GET' | 'POST'
  path: string
  /** JSON body, or the exact raw body for a notify whose signature covers its bytes. */
  body?: unknown
  rawBody?: string
  headers?: Record<string, string>
  key?: string
  /** Which replica this client talks to first (its sticky connection behind the load balancer). */
  pin: number
}

export type Outcome =
  | { kind: 'ok'; status: number; body: any; attempts: number }
  | { kind: 'refused'; status: number; code: string | null; body: any; attempts: number }
  /** No final answer before the deadline: whether it took effect is decided from the database. */
  | { kind: 'unknown'; error: string; attempts: number }

export interface RetryPolicy {
  /** Absolute time after which no new attempt starts. */
  deadline: number
  timeoutMs: number
}

/** Answers worth retrying with the same key: no answer, a server error, the first attempt still running, a rate limit. */
export function retryable(status: number | null, code: string | null): boolean {
  return status === null || status >= 500 || code === 'IDEMPOTENCY_IN_PROGRESS' || code === 'RATE_LIMITED'
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The clients' HTTP: a load balancer in front of the replicas (a replica it knows is down gets no
 * traffic; after a failed attempt the next goes to another replica) and a client that retries a
 * failed or timed-out request with the same Idempotency-Key, backing off a little each time.
 */
export class Api {
  readonly attempts: Attempt[] = []

  constructor(
    private readonly replicas: Replica[],
    private readonly random: () => number
  ) {}

  private choose(pin: number, attempt: number): Replica {
    const order = this.replicas.map((_, i) => this.replicas[(pin + attempt - 1 + i) % this.replicas.length])
    return order.find((r) => r.up) ?? order[0]
  }

  async once(spec: RequestSpec, attempt: number, timeoutMs: number): Promise<{ status: number | null; code: string | null; body: any; error: string | null }> {
    const replica = this.choose(spec.pin, attempt)
    const headers: Record<string, string> = { ...spec.headers }
    if (spec.key) headers['idempotency-key'] = spec.key
    let payload: string | undefined
    if (spec.rawBody !== undefined) payload = spec.rawBody
    else if (spec.body !== undefined) payload = JSON.stringify(spec.body)
    if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json'
    const record: Attempt = { route: spec.route, path: spec.path, replica: replica.name, start: Date.now(), end: 0, status: null, code: null, error: null, attempt, key: spec.key ?? null }
    this.attempts.push(record)
    try {
      const response = await fetch(`${replica.url}${spec.path}`, { method: spec.method, headers, body: payload, signal: AbortSignal.timeout(timeoutMs) })
      const text = await response.text()
      let body: any = text
      try {
        body = text ? JSON.parse(text) : null
      } catch {
        // not JSON: kept as text
      }
      record.status = response.status
      record.code = response.status >= 400 && body && typeof body === 'object' && typeof body.code === 'string' ? body.code : null
      return { status: response.status, code: record.code, body, error: null }
    } catch (error) {
      const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } }
      record.error = e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.cause?.message ?? e.message ?? String(error))
      return { status: null, code: null, body: null, error: record.error }
    } finally {
      record.end = Date.now()
    }
  }

  /** Sends until a final answer (2xx or a refusal) or the deadline; every retry carries the same key. */
  async request(spec: RequestSpec, policy: RetryPolicy): Promise<Outcome> {
    let lastError = 'no attempt'
    for (let attempt = 1; ; attempt++) {
      const answer = await this.once(spec, attempt, policy.timeoutMs)
      if (answer.status !== null && answer.status < 300) return { kind: 'ok', status: answer.status, body: answer.body, attempts: attempt }
      if (answer.status !== null && !retryable(answer.status, answer.code)) {
        return { kind: 'refused', status: answer.status, code: answer.code, body: answer.body, attempts: attempt }
      }
      lastError = answer.status === null ? answer.error! : `${answer.status} ${answer.code ?? ''}`
      // Exponential, capped, with jitter so 64 clients do not retry in step.
      const backoff = Math.min(200 * 2 ** Math.min(attempt - 1, 4), 3000) * (0.5 + this.random())
      if (Date.now() + backoff >= policy.deadline) return { kind: 'unknown', error: lastError, attempts: attempt }
      await sleep(backoff)
    }
  }
}
