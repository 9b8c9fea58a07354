import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createPublicKey, createVerify, generateKeyPairSync, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadConfig } from '../src/config'
import { createWechatPay, PayNotifyRejected, WechatPayApiError, type WechatPay } from '../src/wechat/pay'
import { startFakeWechatPay, type FakeWechatPay } from './support/fake-wechat-pay'

let fake: FakeWechatPay
let pay: WechatPay

before(async () => {
  fake = await startFakeWechatPay({ notifyUrl: 'https://mall.example.com/api/pay/notify' })
  pay = createWechatPay(fake.options)
})

after(() => fake.close())

const tradeNo = () => `T${randomUUID().replace(/-/g, '').slice(0, 24)}`

async function prepaid(totalFen = 2590) {
  const outTradeNo = tradeNo()
  const params = await pay.prepayJsapi({
    outTradeNo,
    description: 'Loyalty Mall order',
    totalFen,
    payerOpenid: 'o_payer',
    expiresAt: new Date('2030-01-02T03:04:05Z')
  })
  return { outTradeNo, params }
}

function rejection(reason: PayNotifyRejected['reason']) {
  return (error: unknown) => error instanceof PayNotifyRejected && error.reason === reason
}

test('prepay sends the order and returns requestPayment parameters signed by the merchant key', async () => {
  const { outTradeNo, params } = await prepaid()

  const sent = fake.requests.at(-1)
  assert.deepEqual(sent?.body, {
    appid: fake.options.appId,
    mchid: fake.options.mchId,
    description: 'Loyalty Mall order',
    out_trade_no: outTradeNo,
    time_expire: '2030-01-02T11:04:05+08:00',
    notify_url: 'https://mall.example.com/api/pay/notify',
    amount: { total: 2590, currency: 'CNY' },
    payer: { openid: 'o_payer' }
  })

  assert.match(params.package, /^prepay_id=wx\d+$/)
  assert.equal(params.signType, 'RSA')
  assert.ok(Math.abs(Number(params.timeStamp) - Date.now() / 1000) < 5)
  const message = `${fake.options.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`
  const merchantPublicKey = createPublicKey(fake.options.merchantPrivateKey)
  assert.ok(createVerify('RSA-SHA256').update(message).verify(merchantPublicKey, params.paySign, 'base64'))
})

test('prepay with missing fields and a reused order number are refused with WeChat Pay codes', async () => {
  await assert.rejects(
    pay.prepayJsapi({ outTradeNo: tradeNo(), description: '', totalFen: 100, payerOpenid: 'o_payer', expiresAt: new Date() }),
    /PARAM_ERROR/
  )
  const { outTradeNo } = await prepaid(100)
  await assert.rejects(
    pay.prepayJsapi({ outTradeNo, description: 'again', totalFen: 200, payerOpenid: 'o_payer', expiresAt: new Date() }),
    /ORDER_NO_USED/
  )
})

test('query shows NOTPAY, then SUCCESS once the payer paid; an unknown order is null', async () => {
  const { outTradeNo } = await prepaid()
  assert.deepEqual(await pay.queryPayment(outTradeNo), {
    outTradeNo,
    transactionId: null,
    tradeState: 'NOTPAY',
    totalFen: 2590,
    payerOpenid: 'o_payer',
    successTime: null
  })

  fake.pay(outTradeNo)
  const paid = await pay.queryPayment(outTradeNo)
  assert.equal(paid?.tradeState, 'SUCCESS')
  assert.match(paid?.transactionId ?? '', /^42\d+$/)
  assert.match(paid?.successTime ?? '', /\+08:00$/)
  assert.equal(fake.requests.at(-1)?.path, `/v3/pay/transactions/out-trade-no/${outTradeNo}`)

  assert.equal(await pay.queryPayment(tradeNo()), null)
})

test('close marks an unpaid order CLOSED and is refused for a paid one', async () => {
  const unpaid = await prepaid()
  await pay.closePayment(unpaid.outTradeNo)
  assert.deepEqual(fake.requests.at(-1)?.body, { mchid: fake.options.mchId })
  assert.equal((await pay.queryPayment(unpaid.outTradeNo))?.tradeState, 'CLOSED')

  const paid = await prepaid()
  fake.pay(paid.outTradeNo)
  await assert.rejects(pay.closePayment(paid.outTradeNo), /ORDERPAID/)
  await assert.rejects(pay.closePayment(tradeNo()), /HTTP 404 ORDER_NOT_EXIST/)
})

test('a genuine payment notify parses to the payment state', async () => {
  const { outTradeNo } = await prepaid(990)
  const notify = fake.pay(outTradeNo)
  const state = pay.parsePaymentNotify(notify.headers, notify.body, new Date())
  assert.equal(state.outTradeNo, outTradeNo)
  assert.equal(state.tradeState, 'SUCCESS')
  assert.equal(state.totalFen, 990)
  assert.equal(state.payerOpenid, 'o_payer')
  assert.deepEqual(state, await pay.queryPayment(outTradeNo))

  // Node lowercases header names; the adapter must find them either way.
  const lower = Object.fromEntries(Object.entries(notify.headers).map(([k, v]) => [k.toLowerCase(), v]))
  assert.equal(pay.parsePaymentNotify(lower, notify.body, new Date()).outTradeNo, outTradeNo)
})

test('forged, stale or foreign notifies are rejected with the reason', async () => {
  const { outTradeNo } = await prepaid()
  const notify = fake.pay(outTradeNo)
  const now = new Date()

  const tampered = notify.body.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESS" ')
  assert.throws(() => pay.parsePaymentNotify(notify.headers, tampered, now), rejection('bad_signature'))

  const otherSignature = fake.pay(outTradeNo).headers['Wechatpay-Signature']
  assert.throws(
    () => pay.parsePaymentNotify({ ...notify.headers, 'Wechatpay-Signature': otherSignature }, notify.body, now),
    rejection('bad_signature')
  )

  const { 'Wechatpay-Signature': _dropped, ...unsigned } = notify.headers
  assert.throws(() => pay.parsePaymentNotify(unsigned, notify.body, now), rejection('bad_signature'))

  const old = fake.pay(outTradeNo, { timestamp: Math.floor(now.getTime() / 1000) - 301 })
  assert.throws(() => pay.parsePaymentNotify(old.headers, old.body, now), rejection('stale_timestamp'))
  const borderline = fake.pay(outTradeNo, { timestamp: Math.floor(now.getTime() / 1000) - 300 })
  assert.equal(pay.parsePaymentNotify(borderline.headers, borderline.body, now).outTradeNo, outTradeNo)

  assert.throws(
    () => pay.parsePaymentNotify({ ...notify.headers, 'Wechatpay-Serial': 'PUB_KEY_ID_0000000000' }, notify.body, now),
    rejection('wrong_serial')
  )
})

test('a genuine notify that cannot be read as what was expected is a bad payload', async () => {
  const { outTradeNo } = await prepaid()
  const notify = fake.pay(outTradeNo)
  const misconfigured = createWechatPay({ ...fake.options, apiV3Key: 'x'.repeat(32) })
  assert.throws(() => misconfigured.parsePaymentNotify(notify.headers, notify.body, new Date()), rejection('bad_payload'))
  // Genuine, but a payment notify is not a refund notify.
  assert.throws(() => pay.parseRefundNotify(notify.headers, notify.body, new Date()), rejection('bad_payload'))
})

test('refund round trip: PROCESSING, then the SUCCESS notify with amounts', async () => {
  const { outTradeNo } = await prepaid(5000)
  fake.pay(outTradeNo)
  const outRefundNo = `R${outTradeNo}`

  const refund = await pay.refund({ outTradeNo, outRefundNo, reason: 'customer request', refundFen: 3000, totalFen: 5000, notifyUrl: '/api/pay/refund-notify' })
  assert.equal(refund.status, 'PROCESSING')
  assert.deepEqual({ ...refund, refundId: '' }, { outTradeNo, outRefundNo, refundId: '', status: 'PROCESSING', refundFen: 3000, totalFen: 5000 })
  assert.deepEqual(fake.requests.at(-1)?.body, {
    out_trade_no: outTradeNo,
    out_refund_no: outRefundNo,
    reason: 'customer request',
    notify_url: 'https://mall.example.com/api/pay/refund-notify',
    amount: { refund: 3000, total: 5000, currency: 'CNY' }
  })
  assert.deepEqual(await pay.queryRefund(outRefundNo), refund)

  const notify = fake.refundNotify(outRefundNo)
  assert.deepEqual(pay.parseRefundNotify(notify.headers, notify.body, new Date()), { ...refund, status: 'SUCCESS' })
  assert.equal((await pay.queryRefund(outRefundNo))?.status, 'SUCCESS')
  assert.equal((await pay.queryPayment(outTradeNo))?.tradeState, 'REFUND')

  const abnormal = fake.refundNotify(outRefundNo, 'ABNORMAL')
  assert.equal(pay.parseRefundNotify(abnormal.headers, abnormal.body, new Date()).status, 'ABNORMAL')

  assert.equal(await pay.queryRefund(`R${tradeNo()}`), null)
})

test('refunding more than was paid is refused with NOT_ENOUGH', async () => {
  const { outTradeNo } = await prepaid(1000)
  fake.pay(outTradeNo)
  await pay.refund({ outTradeNo, outRefundNo: `R1${outTradeNo}`, reason: 'part', refundFen: 600, totalFen: 1000, notifyUrl: '/refund' })
  await assert.rejects(
    pay.refund({ outTradeNo, outRefundNo: `R2${outTradeNo}`, reason: 'rest and more', refundFen: 401, totalFen: 1000, notifyUrl: '/refund' }),
    (error: Error) => /NOT_ENOUGH/.test(error.message) && (error as { code?: string }).code === 'NOT_ENOUGH'
  )
})

test('a response whose signature does not match is not trusted', async () => {
  const { outTradeNo } = await prepaid()
  fake.corruptResponses = true
  try {
    await assert.rejects(pay.queryPayment(outTradeNo), /EV3_RES_HEADER_SIGNATURE_DIGEST/)
    // A 404 decides "WeChat Pay does not know this order", so it is verified as well.
    await assert.rejects(pay.queryPayment(tradeNo()), /EV3_RES_HEADER_SIGNATURE_DIGEST/)
    await assert.rejects(prepaid(), /EV3_RES_HEADER_SIGNATURE_DIGEST/)
  } finally {
    fake.corruptResponses = false
  }
})

test('responses signed by another platform key are not trusted', async () => {
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } })
  const misled = createWechatPay({ ...fake.options, platformPublicKey: stranger.publicKey })
  await assert.rejects(misled.queryPayment(tradeNo()), /EV3_RES_HEADER_SIGNATURE_DIGEST/)
})

test('the fake refuses requests not signed with the merchant key', async () => {
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
  const impostor = createWechatPay({ ...fake.options, merchantPrivateKey: stranger.privateKey })
  await assert.rejects(impostor.queryPayment(tradeNo()), /SIGN_ERROR/)
})

test('a genuine notify or query answer for another app of the same merchant is refused', async () => {
  const { outTradeNo } = await prepaid()
  const now = new Date()
  // A merchant may serve several apps (another mini-program, an official account).
  const otherApp = fake.pay(outTradeNo, { appid: 'wx0000000000000000' })
  assert.throws(() => pay.parsePaymentNotify(otherApp.headers, otherApp.body, now), rejection('wrong_appid'))

  const genuine = fake.pay(outTradeNo)
  assert.equal(pay.parsePaymentNotify(genuine.headers, genuine.body, now).outTradeNo, outTradeNo)
  // The same merchant configured for another mini-program takes neither this one's notify nor its query.
  const elsewhere = createWechatPay({ ...fake.options, appId: 'wx1111111111111111' })
  assert.throws(() => elsewhere.parsePaymentNotify(genuine.headers, genuine.body, now), rejection('wrong_appid'))
  await assert.rejects(elsewhere.queryPayment(outTradeNo), (error: unknown) => error instanceof WechatPayApiError && error.code === 'APPID_MISMATCH')
})

test('during a public-key rotation what WeChat Pay signs with either key is trusted; without the next key, the new one is not', async () => {
  const next = fake.newPlatformKey()
  const rotating = createWechatPay({ ...fake.options, nextPlatformPublicKey: next })
  const now = new Date()
  try {
    const { outTradeNo } = await prepaid(1200)
    const oldSigned = fake.pay(outTradeNo)
    assert.equal(rotating.parsePaymentNotify(oldSigned.headers, oldSigned.body, now).tradeState, 'SUCCESS')
    assert.equal((await rotating.queryPayment(outTradeNo))?.tradeState, 'SUCCESS')

    fake.signWith(next.id)
    const newSigned = fake.pay(outTradeNo)
    assert.equal(newSigned.headers['Wechatpay-Serial'], next.id)
    assert.equal(rotating.parsePaymentNotify(newSigned.headers, newSigned.body, now).outTradeNo, outTradeNo)
    assert.equal((await rotating.queryPayment(outTradeNo))?.tradeState, 'SUCCESS', 'answers signed with the new key verify')
    const refund = await rotating.refund({ outTradeNo, outRefundNo: `R${outTradeNo}`, reason: 'rotation', refundFen: 1200, totalFen: 1200, notifyUrl: '/refund' })
    const refunded = fake.refundNotify(refund.outRefundNo)
    assert.equal(rotating.parseRefundNotify(refunded.headers, refunded.body, now).status, 'SUCCESS')

    // An adapter that knows only the old key refuses the new one's notifies and answers.
    assert.throws(() => pay.parsePaymentNotify(newSigned.headers, newSigned.body, now), rejection('wrong_serial'))
    await assert.rejects(pay.queryPayment(outTradeNo), /EV3_RES_HEADER_PLATFORM_SERIAL/)
    // Naming the new key does not make the old key's signature pass for it, nor a stranger's.
    assert.throws(() => rotating.parsePaymentNotify({ ...oldSigned.headers, 'Wechatpay-Serial': next.id }, oldSigned.body, now), rejection('bad_signature'))
    assert.throws(() => rotating.parsePaymentNotify({ ...newSigned.headers, 'Wechatpay-Serial': 'PUB_KEY_ID_0000000000' }, newSigned.body, now), rejection('wrong_serial'))

    // After the rotation the new key is the one in use and the old one is dropped.
    const rotated = createWechatPay({ ...fake.options, platformPublicKeyId: next.id, platformPublicKey: next.publicKey })
    assert.equal(rotated.parsePaymentNotify(newSigned.headers, newSigned.body, now).outTradeNo, outTradeNo)
    assert.throws(() => rotated.parsePaymentNotify(oldSigned.headers, oldSigned.body, now), rejection('wrong_serial'))
    assert.equal((await rotated.queryPayment(outTradeNo))?.tradeState, 'REFUND')
  } finally {
    fake.signWith(fake.options.platformPublicKeyId)
  }
  assert.throws(() => createWechatPay({ ...fake.options, nextPlatformPublicKey: { id: fake.options.platformPublicKeyId, publicKey: next.publicKey } }), /id of its own/)
})

test('config: the next public key is optional, and takes both of its settings', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'loyalty-mall-wxpay-'))
  try {
    const file = (name: string, pem: string) => {
      const at = path.join(dir, name)
      writeFileSync(at, pem)
      return at
    }
    const next = fake.newPlatformKey()
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: 'test',
      WX_APPID: fake.options.appId,
      WX_SECRET: 'x'.repeat(32),
      WXPAY_MCHID: fake.options.mchId,
      WXPAY_MERCHANT_SERIAL: fake.options.merchantSerial,
      WXPAY_PRIVATE_KEY_FILE: file('merchant.pem', fake.options.merchantPrivateKey),
      WXPAY_APIV3_KEY: fake.options.apiV3Key,
      WXPAY_PUBLIC_KEY_ID: fake.options.platformPublicKeyId,
      WXPAY_PUBLIC_KEY_FILE: file('wechatpay.pem', fake.options.platformPublicKey),
      WXPAY_NOTIFY_URL: 'https://mall.example.com/api/pay/wechat/notify'
    }
    const nextFile = file('wechatpay-next.pem', next.publicKey)
    assert.equal(loadConfig(env).wechatPay?.nextPlatformPublicKey, null)
    const rotating = loadConfig({ ...env, WXPAY_NEXT_PUBLIC_KEY_ID: next.id, WXPAY_NEXT_PUBLIC_KEY_FILE: nextFile }).wechatPay
    assert.deepEqual(rotating?.nextPlatformPublicKey, next)
    assert.equal(rotating?.platformPublicKeyId, fake.options.platformPublicKeyId)
    assert.throws(() => loadConfig({ ...env, WXPAY_NEXT_PUBLIC_KEY_ID: next.id }), /WXPAY_NEXT_PUBLIC_KEY_FILE/)
    assert.throws(() => loadConfig({ ...env, WXPAY_NEXT_PUBLIC_KEY_FILE: nextFile }), /WXPAY_NEXT_PUBLIC_KEY_ID/)
    assert.throws(() => loadConfig({ ...env, WXPAY_NEXT_PUBLIC_KEY_ID: env.WXPAY_PUBLIC_KEY_ID, WXPAY_NEXT_PUBLIC_KEY_FILE: nextFile }), /must differ/)
    // A next key alone is half a configuration, not the dev provider.
    assert.throws(() => loadConfig({ NODE_ENV: 'test', WXPAY_NEXT_PUBLIC_KEY_ID: next.id, WXPAY_NEXT_PUBLIC_KEY_FILE: nextFile }), /WeChat Pay needs/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
