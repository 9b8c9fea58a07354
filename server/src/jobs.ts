import type { FastifyBaseLogger } from 'fastify'
import type { AppServices } from './app'
import { purgeIdempotencyKeys } from './http/idempotency'
import { closeExpiredOrders, completeUnconfirmedOrders, syncProcessingRefunds } from './modules/orders/service'
import { purgeSessions } from './modules/operators/sessions'
import { queueExpiryReminders, sendExpiryReminders, settleDueAccounts } from './modules/points/jobs'
import { issueMonthlyTierCoupons, postBirthdayGifts, reviewDueTiers, sendTierNotices } from './modules/tiers/service'

/** One pass of every background job. Each is safe on several replicas at once (see each job). */
export async function runJobsOnce(services: AppServices, log: FastifyBaseLogger) {
  const now = services.clock()
  const closedOrders = await closeExpiredOrders(services.db, services.wechatPay, now)
  const completedOrders = await completeUnconfirmedOrders(services.db, now)
  const refundsSynced = services.wechatPay ? await syncProcessingRefunds(services.db, services.wechatPay, now) : 0
  const settled = await settleDueAccounts(services.db, now)
  const queued = await queueExpiryReminders(services.db, now)
  const reminders = await sendExpiryReminders(services.db, services.wechat, services.config.expiryReminderTemplateId, now)
  const tierReview = await reviewDueTiers(services.db, now)
  const birthdayGifts = await postBirthdayGifts(services.db, now)
  const tierCoupons = await issueMonthlyTierCoupons(services.db, now)
  const tierNotices = await sendTierNotices(services.db, services.wechat, services.config.tierUpgradeTemplateId, now)
  const purged = await purgeIdempotencyKeys(services.db, now)
  await purgeSessions(services.db, now)
  const tierWork = tierReview.kept + tierReview.lowered + birthdayGifts + tierCoupons + tierNotices.sent + tierNotices.failed
  if (closedOrders || completedOrders || refundsSynced || settled || queued || reminders.sent || reminders.failed || tierWork || purged) {
    log.info({ closedOrders, completedOrders, refundsSynced, tierReview, birthdayGifts, tierCoupons, tierNotices, settled, queued, reminders, purged }, 'background jobs ran')
  }
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
