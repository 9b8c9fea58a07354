import { Aes, Decorator, Formatter, Rsa } from 'wechatpay-axios-plugin'

export interface WechatPayOptions {
  mchId: string
  appId: string
  /** Serial number of the merchant API certificate. */
  merchantSerial: string
  /** PEM */
  merchantPrivateKey: string
  /** 32 bytes */
  apiV3Key: string
  /** PUB_KEY_ID_...: the WeChat Pay public key in use, named in our requests' Wechatpay-Serial. */
  platformPublicKeyId: string
  /** PEM */
  platformPublicKey: string
  /**
   * While WeChat Pay rotates its public key it signs with the old one or the new one, each naming
   * itself in Wechatpay-Serial: the second key is trusted as well until the rotation is over.
   */
  nextPlatformPublicKey?: { id: string; publicKey: string } | null
  /** https://api.mch.weixin.qq.com in production. */
  apiBase: string
  /** The payment notify URL; refund notify URLs are resolved against it. */
  notifyUrl: string
}

/** What wx.requestPayment takes. */
export interface JsapiPayParams {
  timeStamp: string
  nonceStr: string
  package: string
  signType: 'RSA'
  paySign: string
}

export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR'

export interface PaymentState {
  outTradeNo: string
  transactionId: string | null
  tradeState: TradeState
  totalFen: number
  payerOpenid: string | null
  successTime: string | null
}

export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL'

export interface RefundState {
  outTradeNo: string
  outRefundNo: string
  refundId: string
  status: RefundStatus
  refundFen: number
  totalFen: number
}

export class PayNotifyRejected extends Error {
  constructor(
    readonly reason: 'bad_signature' | 'stale_timestamp' | 'bad_payload' | 'wrong_serial' | 'wrong_appid',
    message?: string
  ) {
    super(message ?? `WeChat Pay notify rejected: ${reason}`)
    this.name = 'PayNotifyRejected'
  }
}

/**
 * A call to WeChat Pay that did not give a usable answer. `code` is WeChat Pay's error code
 * (NOT_ENOUGH, ORDERPAID, ...) or, when there was no trustworthy answer, the transport's or the
 * signature check's code (ECONNABORTED, EV3_RES_HEADER_SIGNATURE_DIGEST, ...).
 */
export class WechatPayApiError extends Error {
  constructor(
    readonly status: number | null,
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'WechatPayApiError'
  }
}

export interface WechatPay {
  /** POST /v3/pay/transactions/jsapi then signs the mini-program's requestPayment parameters. */
  prepayJsapi(order: { outTradeNo: string; description: string; totalFen: number; payerOpenid: string; expiresAt: Date }): Promise<JsapiPayParams>
  /** GET /v3/pay/transactions/out-trade-no/{no}?mchid=..; null when WeChat does not know the order (404). */
  queryPayment(outTradeNo: string): Promise<PaymentState | null>
  /** POST /v3/pay/transactions/out-trade-no/{no}/close */
  closePayment(outTradeNo: string): Promise<void>
  /**
   * POST /v3/refund/domestic/refunds. `notifyUrl` is resolved against options.notifyUrl the way a
   * link is, so it may be a full URL or a path on the payment notify's host.
   */
  refund(request: { outTradeNo: string; outRefundNo: string; reason: string; refundFen: number; totalFen: number; notifyUrl: string }): Promise<RefundState>
  /** GET /v3/refund/domestic/refunds/{out_refund_no}; null when WeChat does not know the refund (404). */
  queryRefund(outRefundNo: string): Promise<RefundState | null>
  /**
   * Verifies a payment notify (Wechatpay-Timestamp/-Nonce/-Signature/-Serial over the raw body,
   * timestamp within 300 s of `now`, serial names one of the trusted platform public keys), decrypts
   * its resource and checks that it is this merchant's payment for this mini-program (mchid, appid).
   * Throws PayNotifyRejected.
   */
  parsePaymentNotify(headers: Record<string, string | string[] | undefined>, rawBody: string, now: Date): PaymentState
  /** The same for a refund notify (REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED). */
  parseRefundNotify(headers: Record<string, string | string[] | undefined>, rawBody: string, now: Date): RefundState
}

const TIMEOUT_MS = 5000
const NOTIFY_MAX_SKEW_SECONDS = 300
const TRADE_STATES: readonly string[] = ['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR']
const REFUND_STATUSES: readonly string[] = ['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL']

/** WeChat Pay wants local Beijing time with its offset, not UTC with Z. */
export function rfc3339Beijing(date: Date): string {
  return `${new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`
}

export function createWechatPay(options: WechatPayOptions): WechatPay {
  const merchantKey = Rsa.from(options.merchantPrivateKey, Rsa.KEY_TYPE_PRIVATE)
  // Every key WeChat Pay may sign with, by the id it names in Wechatpay-Serial.
  const platformKeys = new Map([[options.platformPublicKeyId, Rsa.from(options.platformPublicKey, Rsa.KEY_TYPE_PUBLIC)]])
  const next = options.nextPlatformPublicKey
  if (next) {
    if (next.id === options.platformPublicKeyId) throw new Error('the next WeChat Pay public key must have an id of its own')
    platformKeys.set(next.id, Rsa.from(next.publicKey, Rsa.KEY_TYPE_PUBLIC))
  }

  // Built as a variable because the library's typing of jsonBased lists only its own keys, while it
  // passes the whole object on to axios.create.
  const clientConfig = {
    mchid: options.mchId,
    serial: options.merchantSerial,
    privateKey: merchantKey,
    // The library picks the key a response names in Wechatpay-Serial, so during a rotation both verify.
    certs: Object.fromEntries(platformKeys),
    baseURL: options.apiBase,
    timeout: TIMEOUT_MS,
    headers: { 'Wechatpay-Serial': options.platformPublicKeyId },
    // The library verifies signatures only on statuses that pass validateStatus. A 404 is the one
    // error that carries meaning (the order or refund does not exist), so it must be verified too.
    validateStatus: (status: number) => (status >= 200 && status < 300) || status === 404
  }
  const client = Decorator.jsonBased(clientConfig)

  async function send(method: 'GET' | 'POST', url: string, data?: unknown): Promise<{ status: number; data: unknown }> {
    try {
      return await client.request({ method, url, data })
    } catch (error) {
      throw toApiError(method, url, error)
    }
  }

  async function call<T>(method: 'GET' | 'POST', url: string, data?: unknown): Promise<T> {
    const response = await send(method, url, data)
    if (response.status === 404) throw toApiError(method, url, { response })
    return response.data as T
  }

  /** Like call, but WeChat Pay's verified "not found" becomes null. */
  async function find(url: string): Promise<unknown> {
    const response = await send('GET', url)
    return response.status === 404 ? null : response.data
  }

  function verifiedResource(headers: Record<string, string | string[] | undefined>, rawBody: string, now: Date, originalType: string) {
    const header = (name: string) => {
      const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name)
      const value = key === undefined ? undefined : headers[key]
      return typeof value === 'string' ? value : undefined
    }
    const timestamp = header('wechatpay-timestamp')
    const nonce = header('wechatpay-nonce')
    const signature = header('wechatpay-signature')
    const serial = header('wechatpay-serial')
    if (!timestamp || !nonce || !signature || !serial) throw new PayNotifyRejected('bad_signature', 'WeChat Pay notify: signature headers missing')
    const platformKey = platformKeys.get(serial)
    if (!platformKey) throw new PayNotifyRejected('wrong_serial', `WeChat Pay notify signed by unknown key ${serial}`)
    // Whole seconds on both sides, as WeChat Pay's own SDKs count the 300 s.
    const skew = Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp))
    if (!(skew <= NOTIFY_MAX_SKEW_SECONDS)) throw new PayNotifyRejected('stale_timestamp', `WeChat Pay notify timestamp ${timestamp} is ${skew} s off`)
    if (!safeVerify(Formatter.response(timestamp, nonce, rawBody), signature, platformKey)) throw new PayNotifyRejected('bad_signature')

    // Past this point WeChat Pay signed the body, so anything unreadable is a configuration
    // problem (wrong apiV3Key, wrong merchant) rather than an attack.
    try {
      const body = JSON.parse(rawBody) as { resource?: { algorithm?: string; original_type?: string; ciphertext: string; nonce: string; associated_data?: string } }
      const resource = body.resource
      if (resource?.algorithm !== 'AEAD_AES_256_GCM' || resource.original_type !== originalType) throw new Error(`not an encrypted ${originalType}`)
      const plain = JSON.parse(Aes.AesGcm.decrypt(resource.ciphertext, options.apiV3Key, resource.nonce, resource.associated_data ?? '')) as { mchid?: string }
      if (plain.mchid !== options.mchId) throw new Error(`for merchant ${plain.mchid}`)
      return plain
    } catch (error) {
      throw new PayNotifyRejected('bad_payload', `WeChat Pay notify unreadable: ${(error as Error).message}`)
    }
  }

  const tradeNoPath = (outTradeNo: string) => `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}`

  return {
    async prepayJsapi(order) {
      const { prepay_id: prepayId } = await call<{ prepay_id: string }>('POST', '/v3/pay/transactions/jsapi', {
        appid: options.appId,
        mchid: options.mchId,
        description: order.description,
        out_trade_no: order.outTradeNo,
        time_expire: rfc3339Beijing(order.expiresAt),
        notify_url: options.notifyUrl,
        amount: { total: order.totalFen, currency: 'CNY' },
        payer: { openid: order.payerOpenid }
      })
      const timeStamp = String(Formatter.timestamp())
      const nonceStr = Formatter.nonce()
      const pkg = `prepay_id=${prepayId}`
      const paySign = Rsa.sign(Formatter.joinedByLineFeed(options.appId, timeStamp, nonceStr, pkg), merchantKey)
      return { timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign }
    },

    async queryPayment(outTradeNo) {
      const url = `${tradeNoPath(outTradeNo)}?mchid=${encodeURIComponent(options.mchId)}`
      const transaction = await find(url)
      if (transaction === null) return null
      // A merchant may serve several apps: a payment made in another one is not this order's.
      const appId = appIdOf(transaction)
      if (appId !== options.appId) throw new WechatPayApiError(null, 'APPID_MISMATCH', `WeChat Pay GET ${url}: paid in app ${appId}, not ${options.appId}`)
      return toPaymentState(transaction)
    },

    async closePayment(outTradeNo) {
      await call('POST', `${tradeNoPath(outTradeNo)}/close`, { mchid: options.mchId })
    },

    async refund(request) {
      const refund = await call<unknown>('POST', '/v3/refund/domestic/refunds', {
        out_trade_no: request.outTradeNo,
        out_refund_no: request.outRefundNo,
        reason: request.reason,
        notify_url: new URL(request.notifyUrl, options.notifyUrl).toString(),
        amount: { refund: request.refundFen, total: request.totalFen, currency: 'CNY' }
      })
      return toRefundState(refund, 'status')
    },

    async queryRefund(outRefundNo) {
      const refund = await find(`/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`)
      return refund === null ? null : toRefundState(refund, 'status')
    },

    parsePaymentNotify(headers, rawBody, now) {
      const transaction = verifiedResource(headers, rawBody, now, 'transaction')
      // Genuine and for this merchant, but a merchant may serve several apps (another mini-program,
      // an official account): a payment made in another app must not pay an order of this one.
      const appId = appIdOf(transaction)
      if (appId !== options.appId) throw new PayNotifyRejected('wrong_appid', `WeChat Pay notify for app ${appId}, not ${options.appId}`)
      try {
        return toPaymentState(transaction)
      } catch (error) {
        throw new PayNotifyRejected('bad_payload', (error as Error).message)
      }
    },

    parseRefundNotify(headers, rawBody, now) {
      const refund = verifiedResource(headers, rawBody, now, 'refund')
      try {
        // The notify names the field refund_status where the refund APIs say status.
        return toRefundState(refund, 'refund_status')
      } catch (error) {
        throw new PayNotifyRejected('bad_payload', (error as Error).message)
      }
    }
  }
}

function appIdOf(transaction: unknown): string | undefined {
  const appid = (transaction as { appid?: unknown } | null)?.appid
  return typeof appid === 'string' ? appid : undefined
}

function safeVerify(message: string, signature: string, key: ReturnType<typeof Rsa.from>): boolean {
  try {
    return Rsa.verify(message, signature, key)
  } catch {
    return false
  }
}

function toApiError(method: string, url: string, error: unknown): WechatPayApiError {
  const failure = error as { code?: string; message?: string; response?: { status?: number; data?: unknown } }
  const status = failure.response?.status ?? null
  const body = failure.response?.data as { code?: unknown; message?: unknown } | undefined
  if (status !== null && status >= 400 && typeof body?.code === 'string') {
    return new WechatPayApiError(status, body.code, `WeChat Pay ${method} ${url}: HTTP ${status} ${body.code} ${String(body.message ?? '')}`)
  }
  const code = failure.code ?? 'UNKNOWN'
  return new WechatPayApiError(status, code, `WeChat Pay ${method} ${url}: ${code} ${failure.message ?? String(error)}`)
}

function toPaymentState(value: unknown): PaymentState {
  const t = value as {
    out_trade_no?: unknown; transaction_id?: unknown; trade_state?: unknown; success_time?: unknown
    amount?: { total?: unknown }; payer?: { openid?: unknown }
  }
  if (typeof t.out_trade_no !== 'string' || typeof t.trade_state !== 'string' || !TRADE_STATES.includes(t.trade_state) || typeof t.amount?.total !== 'number') {
    throw new Error(`WeChat Pay transaction not understood: ${JSON.stringify(value)}`)
  }
  return {
    outTradeNo: t.out_trade_no,
    transactionId: typeof t.transaction_id === 'string' ? t.transaction_id : null,
    tradeState: t.trade_state as TradeState,
    totalFen: t.amount.total,
    payerOpenid: typeof t.payer?.openid === 'string' ? t.payer.openid : null,
    successTime: typeof t.success_time === 'string' ? t.success_time : null
  }
}

function toRefundState(value: unknown, statusField: 'status' | 'refund_status'): RefundState {
  const r = value as {
    out_trade_no?: unknown; out_refund_no?: unknown; refund_id?: unknown
    status?: unknown; refund_status?: unknown; amount?: { refund?: unknown; total?: unknown }
  }
  const status = r[statusField]
  if (
    typeof r.out_trade_no !== 'string' || typeof r.out_refund_no !== 'string' || typeof r.refund_id !== 'string' ||
    typeof status !== 'string' || !REFUND_STATUSES.includes(status) ||
    typeof r.amount?.refund !== 'number' || typeof r.amount.total !== 'number'
  ) {
    throw new Error(`WeChat Pay refund not understood: ${JSON.stringify(value)}`)
  }
  return {
    outTradeNo: r.out_trade_no,
    outRefundNo: r.out_refund_no,
    refundId: r.refund_id,
    status: status as RefundStatus,
    refundFen: r.amount.refund,
    totalFen: r.amount.total
  }
}
