import type { FastifyBaseLogger } from 'fastify'
import type { AppServices } from './app'
import { purgeIdempotencyKeys } from './http/idempotency'
import { closeExpiredOrders } from './modules/orders/payment'
import { syncProcessingRefunds } from './modules/orders/refunds'
import { completeUnconfirmedOrders } from './modules/orders/service'
import { purgeSessions } from './modules/operators/sessions'
import { queueExpiryReminders, sendExpiryReminders, settleDueAccounts } from './modules/points/jobs'
import { issueMonthlyTierCoupons, postBirthdayGifts, reviewDueTiers, sendTierNotices } from './modules/tiers/service'

type Job = (services: AppServices, now: Date) => Promise<unknown>

/** Every background job, by name. Each is safe on several replicas at once (see each job). */
export const JOBS: Record<string, Job> = {
  closeExpiredOrders: (s, now) => closeExpiredOrders(s.db, s.wechatPay, now),
  completeUnconfirmedOrders: (s, now) => completeUnconfirmedOrders(s.db, now),
  syncProcessingRefunds: async (s, now) => (s.wechatPay ? syncProcessingRefunds(s.db, s.wechatPay, now) : 0),
  settleDueAccounts: (s, now) => settleDueAccounts(s.db, now),
  queueExpiryReminders: (s, now) => queueExpiryReminders(s.db, now),
  sendExpiryReminders: (s, now) => sendExpiryReminders(s.db, s.wechat, s.config.expiryReminderTemplateId, now),
  reviewDueTiers: (s, now) => reviewDueTiers(s.db, now),
  postBirthdayGifts: (s, now) => postBirthdayGifts(s.db, now),
  issueMonthlyTierCoupons: (s, now) => issueMonthlyTierCoupons(s.db, now),
  sendTierNotices: (s, now) => sendTierNotices(s.db, s.wechat, s.config.tierUpgradeTemplateId, now),
  purgeIdempotencyKeys: (s, now) => purgeIdempotencyKeys(s.db, now),
  purgeSessions: (s, now) => purgeSessions(s.db, now)
}

const didSomething = (result: unknown): boolean =>
  typeof result === 'number' ? result > 0 : typeof result === 'object' && result !== null ? Object.values(result).some(didSomething) : false

/**
 * One pass of every job. Each runs on its own: one that fails is logged with its error and the
 * others still run; what each did is logged when it did anything. Returns the failed jobs' names.
 */
export async function runJobsOnce(services: AppServices, log: FastifyBaseLogger, jobs: Record<string, Job> = JOBS): Promise<string[]> {
  const now = services.clock()
  const failed: string[] = []
  const done: Record<string, unknown> = {}
  for (const [name, job] of Object.entries(jobs)) {
    try {
      const result = await job(services, now)
      if (didSomething(result)) done[name] = result
    } catch (error) {
      failed.push(name)
      log.error({ err: error, job: name }, 'background job failed')
    }
  }
  if (Object.keys(done).length > 0) log.info(done, 'background jobs ran')
  return failed
}

/**
 * Runs the jobs on a timer. The timer only triggers work: all state is in the database, so a
 * replica that stops loses nothing and replicas running together do not collide.
 */
export function startJobs(services: AppServices, log: FastifyBaseLogger): () => void {
  const seconds = services.config.jobIntervalSeconds
  if (seconds <= 0) return () => undefined
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    runJobsOnce(services, log)
      .catch((error) => log.error({ err: error }, 'background jobs failed'))
      .finally(() => {
        running = false
      })
  }, seconds * 1000)
  timer.unref()
  return () => clearInterval(timer)
}
