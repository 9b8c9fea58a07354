import { createHash, randomBytes } from 'node:crypto'
import qrcode from 'qrcode-generator'
import type { Config } from '../config'
import { AppError } from '../http/errors'

export interface WechatSession {
  openid: string
  unionid: string | null
  sessionKey: string
}

export interface SubscribeMessage {
  openid: string
  templateId: string
  /** The mini-program page the message opens. */
  page: string
  data: Record<string, { value: string }>
}

/** Every call to WeChat's open APIs goes through this adapter (real HTTP, or the dev stand-in). */
export interface WechatAdapter {
  readonly kind: 'http' | 'dev'
  /** code2Session: the code from wx.login, valid 5 minutes and once. */
  code2Session(code: string): Promise<WechatSession>
  /** subscribeMessage.send; false when WeChat refused it (no consent left, bad template). */
  sendSubscribeMessage(message: SubscribeMessage): Promise<boolean>
  /** wxacode.getUnlimited: the mini-program code (image bytes) opening `page` with `scene`. */
  miniProgramCode(request: { scene: string; page: string; checkPath: boolean }): Promise<{ contentType: string; image: Buffer }>
  /** getUserRiskRank: 0 (none) to 4 (high) for the user and this scene (0 register, 1 marketing). */
  userRiskRank(request: { openid: string; scene: 0 | 1; clientIp?: string }): Promise<number>
}

export function createWechatAdapter(config: Config): WechatAdapter {
  return config.wechat ? httpWechatAdapter(config.wechat) : devWechatAdapter()
}

/**
 * WeChat error codes that mean the person's code is bad (invalid, already used, or a high-risk
 * user); anything else, such as a wrong appid, is our configuration and answers "unavailable".
 */
const BAD_CODE_ERRORS = new Set([40029, 40163, 40226])

export function httpWechatAdapter(options: { appId: string; secret: string; apiBase: string }): WechatAdapter {
  let token: { value: string; expiresAt: number } | null = null

  // stable_token rather than token: replicas fetching their own do not invalidate each other's.
  async function accessToken(): Promise<string> {
    if (token && token.expiresAt > Date.now()) return token.value
    const response = await fetch(new URL('/cgi-bin/stable_token', options.apiBase), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credential', appid: options.appId, secret: options.secret }),
      signal: AbortSignal.timeout(5000)
    })
    const body = (await response.json()) as { access_token?: string; expires_in?: number; errcode?: number }
    if (!body.access_token) throw new Error(`stable_token failed: errcode ${body.errcode}`)
    token = { value: body.access_token, expiresAt: Date.now() + ((body.expires_in ?? 7200) - 300) * 1000 }
    return token.value
  }

  async function postJson(path: string, body: unknown): Promise<Response> {
    const url = new URL(path, options.apiBase)
    url.searchParams.set('access_token', await accessToken())
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) })
  }

  return {
    kind: 'http',
    async miniProgramCode({ scene, page, checkPath }) {
      const response = await postJson('/wxa/getwxacodeunlimit', { scene, page, check_path: checkPath, width: 430 })
      const contentType = response.headers.get('content-type') ?? ''
      // Errors come back as JSON; the code itself as an image.
      if (!contentType.startsWith('image/')) throw new Error(`getwxacodeunlimit failed: ${await response.text()}`)
      return { contentType, image: Buffer.from(await response.arrayBuffer()) }
    },
    async userRiskRank({ openid, scene, clientIp }) {
      const response = await postJson('/wxa/getuserriskrank', { appid: options.appId, openid, scene, client_ip: clientIp ?? '127.0.0.1' })
      const body = (await response.json()) as { errcode?: number; risk_rank?: number }
      if (body.errcode || body.risk_rank === undefined) throw new Error(`getuserriskrank failed: errcode ${body.errcode}`)
      return body.risk_rank
    },
    async sendSubscribeMessage(message) {
      const url = new URL('/cgi-bin/message/subscribe/send', options.apiBase)
      url.searchParams.set('access_token', await accessToken())
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ touser: message.openid, template_id: message.templateId, page: message.page, data: message.data }),
        signal: AbortSignal.timeout(5000)
      })
      const body = (await response.json()) as { errcode?: number }
      return !body.errcode
    },
    async code2Session(code) {
      const url = new URL('/sns/jscode2session', options.apiBase)
      url.search = new URLSearchParams({
        appid: options.appId,
        secret: options.secret,
        js_code: code,
        grant_type: 'authorization_code'
      }).toString()
      let body: { openid?: string; unionid?: string; session_key?: string; errcode?: number; errmsg?: string }
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) })
        if (!response.ok) throw new Error(`HTTP ${response.status}`)
        body = (await response.json()) as typeof body
      } catch {
        throw new AppError('WECHAT_UNAVAILABLE')
      }
      if (body.errcode && BAD_CODE_ERRORS.has(body.errcode)) throw new AppError('LOGIN_CODE_INVALID')
      if (body.errcode || !body.openid || !body.session_key) throw new AppError('WECHAT_UNAVAILABLE')
      return { openid: body.openid, unionid: body.unionid ?? null, sessionKey: body.session_key }
    }
  }
}

/**
 * Development without WeChat credentials: the same code always maps to the same openid, so the h5
 * build (which sends a stable per-browser code) keeps its identity. Refused in production by config.
 */
export function devWechatAdapter(): WechatAdapter {
  return {
    kind: 'dev',
    async sendSubscribeMessage() {
      return true
    },
    // A plain QR code of the scene: scanning it in development shows what the real code would carry.
    async miniProgramCode({ scene, page }) {
      const qr = qrcode(0, 'M')
      qr.addData(`${page}?scene=${encodeURIComponent(scene)}`)
      qr.make()
      const gif = qr.createDataURL(8, 16).replace(/^data:image\/gif;base64,/, '')
      return { contentType: 'image/gif', image: Buffer.from(gif, 'base64') }
    },
    async userRiskRank() {
      return 0
    },
    async code2Session(code) {
      const openid = `dev_${createHash('sha256').update(code).digest('base64url').slice(0, 24)}`
      return { openid, unionid: null, sessionKey: randomBytes(16).toString('base64') }
    }
  }
}
