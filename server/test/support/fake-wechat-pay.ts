import { generateKeyPairSync, randomInt, randomUUID } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin'
import { rfc3339Beijing, type RefundStatus, type TradeState, type WechatPayOptions } from '../../src/wechat/pay'

export interface FakeWechatPay {
  /** http://127.0.0.1:PORT */
  url: string
  /** Fresh keys and ids, pointing at this fake. */
  options: WechatPayOptions
  /**
   * Simulates the payer paying: marks the order SUCCESS and returns the notify WeChat Pay would POST.
   * `appid` reports the payment as made in another app of the same merchant.
   */
  pay(outTradeNo: string, overrides?: { totalFen?: number; timestamp?: number; appid?: string }): { headers: Record<string, string>; body: string }
  /** The refund notify for a refund the fake holds; also moves the refund to that status. */
  refundNotify(outRefundNo: string, status?: RefundStatus): { headers: Record<string, string>; body: string }
  /** Requests the fake received, for asserting what was sent. */
  requests: { method: string; path: string; body: unknown }[]
  /** When set, responses carry a signature that does not match their body. */
  corruptResponses: boolean
  /** WeChat Pay issues a new public key (a rotation begins); it signs nothing until signWith names it. */
  newPlatformKey(): { id: string; publicKey: string }
  /** From now on responses and notifies are signed with this key (its id in Wechatpay-Serial). */
  signWith(id: string): void
  close(): Promise<void>
}

interface Order {
  appid: string
  mchid: string
  out_trade_no: string
  prepay_id: string
  trade_state: TradeState
  transaction_id?: string
  success_time?: string
  amount: { total: number; currency: string }
  payer: { openid: string }
}

interface Refund {
  refund_id: string
  out_refund_no: string
  out_trade_no: string
  transaction_id?: string
  status: RefundStatus
  success_time?: string
  create_time: string
  amount: { refund: number; total: number; payer_refund: number; payer_total: number; currency: string }
}

function rsaKeyPair() {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' }
  })
}

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('')

/**
 * A stand-in for api.mch.weixin.qq.com that checks what matters to the adapter: the merchant's
 * request signature, the public-key-mode Wechatpay-Serial header, and the jsapi / query / close /
 * refund rules a mall meets. It signs every answer with its platform key like WeChat Pay does.
 */
export async function startFakeWechatPay(opts: { notifyUrl?: string } = {}): Promise<FakeWechatPay> {
  const merchant = rsaKeyPair()
  const platform = rsaKeyPair()
  const options: WechatPayOptions = {
    mchId: `19${digits(8)}`,
    appId: `wx${digits(16)}`,
    merchantSerial: randomUUID().replace(/-/g, '').toUpperCase() + digits(8),
    merchantPrivateKey: merchant.privateKey,
    apiV3Key: Formatter.nonce(32),
    platformPublicKeyId: `PUB_KEY_ID_0119${digits(28)}`,
    platformPublicKey: platform.publicKey,
    apiBase: '',
    notifyUrl: opts.notifyUrl ?? 'http://127.0.0.1/unused'
  }
  // Every key issued so far by id: requests may name any of them, answers are signed with `signing`.
  const platformKeys = new Map([[options.platformPublicKeyId, platform]])
  let signing = options.platformPublicKeyId
  const orders = new Map<string, Order>()
  const refunds = new Map<string, Refund>()

  function signedHeaders(body: string, timestamp = Formatter.timestamp()): Record<string, string> {
    const nonce = Formatter.nonce()
    return {
      'Wechatpay-Timestamp': String(timestamp),
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': Rsa.sign(Formatter.response(timestamp, nonce, body), platformKeys.get(signing)!.privateKey),
      'Wechatpay-Serial': signing
    }
  }

  function notify(eventType: string, originalType: string, resource: object, timestamp?: number) {
    const nonce = Formatter.nonce(12)
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: rfc3339Beijing(new Date()),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      resource: {
        original_type: originalType,
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: Aes.AesGcm.encrypt(JSON.stringify(resource), options.apiV3Key, nonce, originalType),
        associated_data: originalType,
        nonce
      }
    })
    return { headers: { ...signedHeaders(body, timestamp), 'Content-Type': 'application/json' }, body }
  }

  const authorized = (req: http.IncomingMessage, path: string, rawBody: string) => {
    const match = /^WECHATPAY2-SHA256-RSA2048 (.*)$/.exec(req.headers.authorization ?? '')
    if (!match) return false
    const fields = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]))
    return (
      fields.mchid === options.mchId &&
      fields.serial_no === options.merchantSerial &&
      Rsa.verify(Formatter.request(req.method ?? '', path, fields.timestamp, fields.nonce_str, rawBody), fields.signature ?? '', merchant.publicKey)
    )
  }

  type Reply = [status: number, body?: object]
  const error = (status: number, code: string, message: string): Reply => [status, { code, message }]

  function route(method: string, url: URL, body: any): Reply {
    const path = url.pathname
    if (method === 'POST' && path === '/v3/pay/transactions/jsapi') {
      const total = body?.amount?.total
      if (!body?.appid || !body.mchid || !body.description || !body.out_trade_no || !body.notify_url || !body.payer?.openid || !Number.isInteger(total) || total <= 0) {
        return error(400, 'PARAM_ERROR', 'required field missing')
      }
      if (body.appid !== options.appId || body.mchid !== options.mchId) return error(400, 'PARAM_ERROR', 'appid and mchid do not match')
      const existing = orders.get(body.out_trade_no)
      if (existing && existing.amount.total !== total) return error(403, 'ORDER_NO_USED', 'out_trade_no used with another amount')
      const order: Order = existing ?? {
        appid: body.appid,
        mchid: body.mchid,
        out_trade_no: body.out_trade_no,
        prepay_id: `wx${digits(30)}`,
        trade_state: 'NOTPAY',
        amount: { total, currency: 'CNY' },
        payer: { openid: body.payer.openid }
      }
      orders.set(order.out_trade_no, order)
      return [200, { prepay_id: order.prepay_id }]
    }
    const trade = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(\/close)?$/.exec(path)
    if (trade) {
      const order = orders.get(decodeURIComponent(trade[1]))
      const mchid = method === 'GET' ? url.searchParams.get('mchid') : body?.mchid
      if (mchid !== options.mchId) return error(400, 'PARAM_ERROR', 'mchid')
      if (!order) return error(404, 'ORDER_NOT_EXIST', 'order does not exist')
      if (method === 'GET' && !trade[2]) {
        const { prepay_id: _prepayId, ...transaction } = order
        return [200, { ...transaction, trade_state_desc: order.trade_state }]
      }
      if (method === 'POST' && trade[2]) {
        if (order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND') return error(400, 'ORDERPAID', 'order paid')
        order.trade_state = 'CLOSED'
        return [204]
      }
    }
    if (method === 'POST' && path === '/v3/refund/domestic/refunds') {
      const refundFen = body?.amount?.refund
      if (!body?.out_trade_no || !body.out_refund_no || !Number.isInteger(refundFen) || refundFen <= 0) return error(400, 'PARAM_ERROR', 'required field missing')
      const order = orders.get(body.out_trade_no)
      if (!order) return error(404, 'ORDER_NOT_EXIST', 'order does not exist')
      if (order.trade_state !== 'SUCCESS' && order.trade_state !== 'REFUND') return error(403, 'INVALID_REQUEST', 'order not paid')
      if (body.amount.total !== order.amount.total) return error(400, 'PARAM_ERROR', 'amount.total differs from the order')
      const earlier = refunds.get(body.out_refund_no)
      if (earlier) return [200, earlier]
      const refunded = [...refunds.values()].filter((r) => r.out_trade_no === order.out_trade_no && r.status !== 'CLOSED').reduce((sum, r) => sum + r.amount.refund, 0)
      if (refunded + refundFen > order.amount.total) return error(403, 'NOT_ENOUGH', 'refund exceeds what is left')
      const refund: Refund = {
        refund_id: `50${digits(30)}`,
        out_refund_no: body.out_refund_no,
        out_trade_no: order.out_trade_no,
        transaction_id: order.transaction_id,
        status: 'PROCESSING',
        create_time: rfc3339Beijing(new Date()),
        amount: { refund: refundFen, total: order.amount.total, payer_refund: refundFen, payer_total: order.amount.total, currency: 'CNY' }
      }
      refunds.set(refund.out_refund_no, refund)
      order.trade_state = 'REFUND'
      return [200, refund]
    }
    const refundQuery = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path)
    if (method === 'GET' && refundQuery) {
      const refund = refunds.get(decodeURIComponent(refundQuery[1]))
      return refund ? [200, refund] : error(404, 'RESOURCE_NOT_EXISTS', 'refund does not exist')
    }
    return error(404, 'NOT_FOUND', `${method} ${path}`)
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8')
      const url = new URL(req.url ?? '/', 'http://fake')
      const method = req.method ?? ''
      let body: unknown
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined
      } catch {
        body = rawBody
      }
      fake.requests.push({ method, path: url.pathname, body })
      const [status, answer] = !authorized(req, `${url.pathname}${url.search}`, rawBody)
        ? error(401, 'SIGN_ERROR', 'signature verification failed')
        : !platformKeys.has(String(req.headers['wechatpay-serial']))
          ? error(400, 'PARAM_ERROR', 'Wechatpay-Serial must name a platform public key')
          : route(method, url, body)
      const text = answer ? JSON.stringify(answer) : ''
      // A trailing space signs a body that differs from the one sent by a single byte.
      const signed = fake.corruptResponses ? `${text} ` : text
      res.writeHead(status, { ...signedHeaders(signed), 'Request-ID': randomUUID(), ...(answer ? { 'Content-Type': 'application/json' } : {}) })
      res.end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  options.apiBase = url

  const fake: FakeWechatPay = {
    url,
    options,
    requests: [],
    corruptResponses: false,
    pay(outTradeNo, overrides = {}) {
      const order = orders.get(outTradeNo)
      if (!order) throw new Error(`fake WeChat Pay has no order ${outTradeNo}`)
      order.trade_state = 'SUCCESS'
      order.transaction_id = `42${digits(26)}`
      order.success_time = rfc3339Beijing(new Date())
      const { prepay_id: _prepayId, ...transaction } = order
      const reported = {
        ...transaction,
        ...(overrides.appid && { appid: overrides.appid }),
        trade_type: 'JSAPI',
        trade_state_desc: '支付成功',
        bank_type: 'OTHERS',
        amount: { ...order.amount, total: overrides.totalFen ?? order.amount.total, payer_total: overrides.totalFen ?? order.amount.total, payer_currency: 'CNY' }
      }
      return notify('TRANSACTION.SUCCESS', 'transaction', reported, overrides.timestamp)
    },
    refundNotify(outRefundNo, status = 'SUCCESS') {
      const refund = refunds.get(outRefundNo)
      if (!refund) throw new Error(`fake WeChat Pay has no refund ${outRefundNo}`)
      refund.status = status
      if (status === 'SUCCESS') refund.success_time = rfc3339Beijing(new Date())
      const { status: refundStatus, create_time: _createTime, ...rest } = refund
      return notify(`REFUND.${status}`, 'refund', { ...rest, mchid: options.mchId, refund_status: refundStatus, user_received_account: '支付用户零钱' })
    },
    newPlatformKey() {
      const pair = rsaKeyPair()
      const id = `PUB_KEY_ID_0119${digits(28)}`
      platformKeys.set(id, pair)
      return { id, publicKey: pair.publicKey }
    },
    signWith(id) {
      if (!platformKeys.has(id)) throw new Error(`fake WeChat Pay has no key ${id}`)
      signing = id
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())))
  }
  return fake
}
