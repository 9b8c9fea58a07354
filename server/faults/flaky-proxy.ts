import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the proxy did to one call. `drop-after` reached WeChat Pay: the answer was lost on the way back. */
export type Fate = 'ok' | '500' | 'drop-before' | 'drop-after'

export interface ProxiedCall {
  at: number
  method: string
  path: string
  /** The order or refund number the call is about, to explain a 503 at the API. */
  subject: string | null
  fate: Fate
  /** When the answer was sent or the connection dropped; null while the call is open. */
  end: number | null
}

export interface FlakyProxy {
  url: string
  calls: ProxiedCall[]
  /** Faults on or off (off while the suite sets up, so setup is not what is measured). */
  setFaults(on: boolean): void
  close(): Promise<void>
}

export interface FlakyOptions {
  minLatencyMs: number
  maxLatencyMs: number
  /** Share of calls that fail: half answer HTTP 500, a quarter are dropped unsent, a quarter dropped after WeChat Pay did the work. */
  failRate: number
  random: () => number
}

/** out_trade_no / out_refund_no, from the path or the JSON body. */
function subjectOf(path: string, body: string): string | null {
  const fromPath = /\/(?:out-trade-no|refunds)\/([^/?]+)/.exec(path)
  if (fromPath) return decodeURIComponent(fromPath[1])
  try {
    const parsed = JSON.parse(body) as { out_refund_no?: string; out_trade_no?: string }
    return parsed.out_refund_no ?? parsed.out_trade_no ?? null
  } catch {
    return null
  }
}

/**
 * Sits between the replicas and the WeChat Pay fake: every call waits 2–3 s (WeChat Pay on a bad
 * day) and a fifth fail. A dropped answer after the fake did the work is the case that matters
 * most: the server cannot know whether the payment or refund exists and must find out later.
 */
export async function startFlakyProxy(target: string, options: FlakyOptions): Promise<FlakyProxy> {
  const upstream = new URL(target)
  let faults = false
  const calls: ProxiedCall[] = []
  const sockets = new Set<import('node:net').Socket>()

  const pickFate = (): Fate => {
    if (!faults) return 'ok'
    const r = options.random()
    if (r >= options.failRate) return 'ok'
    const share = r / options.failRate
    return share < 0.5 ? '500' : share < 0.75 ? 'drop-before' : 'drop-after'
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const fate = pickFate()
      const path = req.url ?? '/'
      const call: ProxiedCall = { at: Date.now(), method: req.method ?? '', path, subject: subjectOf(path, body.toString('utf8')), fate, end: null }
      calls.push(call)
      res.on('close', () => {
        call.end = Date.now()
      })
      const latency = faults ? options.minLatencyMs + options.random() * (options.maxLatencyMs - options.minLatencyMs) : 0
      setTimeout(() => {
        if (fate === '500') {
          // WeChat Pay's own shape for a server error: unsigned, so the adapter sees a failure.
          res.writeHead(500, { 'Content-Type': 'application/json' })
          res.end(JSON.stringify({ code: 'SYSTEM_ERROR', message: '系统错误' }))
          return
        }
        if (fate === 'drop-before') {
          req.socket.destroy()
          return
        }
        const headers = { ...req.headers, host: upstream.host }
        const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers }, (answer) => {
          const parts: Buffer[] = []
          answer.on('data', (chunk: Buffer) => parts.push(chunk))
          answer.on('end', () => {
            if (fate === 'drop-after') {
              req.socket.destroy()
              return
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            res.end(Buffer.concat(parts))
          })
        })
        forward.on('error', () => req.socket.destroy())
        forward.end(body)
      }, latency)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    setFaults: (on) => {
      faults = on
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
