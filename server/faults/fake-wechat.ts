import { createHash, randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SentMessage {
  at: number
  touser: string
  templateId: string
  data: Record<string, { value: string }>
}

export interface FakeWechat {
  url: string
  appId: string
  secret: string
  /** Every subscribe message accepted, to prove none went out twice. */
  messages: SentMessage[]
  calls: Record<string, number>
  /** The openid code2Session gives for a login code: the suite maps sessions to people with it. */
  openidOf(code: string): string
  close(): Promise<void>
}

// A 1×1 PNG: what getwxacodeunlimit answers is never looked at here, only that it is an image.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==', 'base64')

/**
 * api.weixin.qq.com for the replicas: with WX_APPID set they use the real HTTP adapter, so login,
 * the join's risk check and subscribe messages go over HTTP to this. Sending a message takes a
 * little while, so a replica killed mid-batch can die between sending and recording.
 */
export async function startFakeWechat(appId: string): Promise<FakeWechat> {
  const secret = `fault-suite-${randomBytes(8).toString('hex')}`
  const token = `token-${randomBytes(8).toString('hex')}`
  const messages: SentMessage[] = []
  const calls: Record<string, number> = {}
  const openidOf = (code: string) => `o${createHash('sha256').update(code).digest('base64url').slice(0, 27)}`
  const sockets = new Set<import('node:net').Socket>()

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      calls[url.pathname] = (calls[url.pathname] ?? 0) + 1
      let body: Record<string, unknown> = {}
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}
      } catch {
        body = {}
      }
      const json = (value: unknown) => {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify(value))
      }
      const needsToken = url.pathname !== '/sns/jscode2session' && url.pathname !== '/cgi-bin/stable_token'
      if (needsToken && url.searchParams.get('access_token') !== token) return json({ errcode: 40001, errmsg: 'invalid credential' })
      switch (url.pathname) {
        case '/sns/jscode2session': {
          if (url.searchParams.get('appid') !== appId || url.searchParams.get('secret') !== secret) return json({ errcode: 40013, errmsg: 'invalid appid' })
          const code = url.searchParams.get('js_code') ?? ''
          return json({ openid: openidOf(code), session_key: randomBytes(16).toString('base64') })
        }
        case '/cgi-bin/stable_token':
          if (body.appid !== appId || body.secret !== secret) return json({ errcode: 40013, errmsg: 'invalid appid' })
          return json({ access_token: token, expires_in: 7200 })
        case '/wxa/getuserriskrank':
          return json({ errcode: 0, errmsg: 'ok', risk_rank: 0 })
        case '/cgi-bin/message/subscribe/send':
          setTimeout(() => {
            messages.push({ at: Date.now(), touser: String(body.touser), templateId: String(body.template_id), data: (body.data ?? {}) as SentMessage['data'] })
            json({ errcode: 0, errmsg: 'ok' })
          }, 300)
          return
        case '/wxa/getwxacodeunlimit':
          res.writeHead(200, { 'Content-Type': 'image/png' })
          res.end(PNG)
          return
        default:
          res.writeHead(404, { 'Content-Type': 'application/json' })
          res.end(JSON.stringify({ errcode: 404, errmsg: `no ${url.pathname}` }))
      }
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    appId,
    secret,
    messages,
    calls,
    openidOf,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
