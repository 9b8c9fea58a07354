/**
 * Server bugs this suite found that are written up and not fixed yet. A violation matching one is
 * printed with the bug's label; it still counts (the suite fails) unless FAULTS_ALLOW_KNOWN_BUGS=1.
 * A violation of the same invariant that matches no pattern here is a new finding. Delete an entry
 * when its fix lands: the suite then proves the fix.
 */
export interface KnownBug {
  id: string
  title: string
  /** Matched against the violation's text (the invariant's name is prefixed: `<name> :: <text>`). */
  pattern: RegExp
}

export const KNOWN_BUGS: KnownBug[] = [
  {
    id: 'pg-pool-error',
    title:
      'server/src/db/index.ts connectPostgres: neither the pg.Pool nor the client checked out in transaction() has an "error" listener, so a connection that a PostgreSQL restart cuts ("Connection terminated unexpectedly") is an unhandled error event and the replica process exits',
    pattern: /^no replica dies unless killed :: .*(Connection terminated unexpectedly|Unhandled 'error' event)/
  },
  {
    id: 'refund-rerun',
    title:
      'POST /api/orders/:orderNo/refund is not safe to run twice: when the replica dies while it waits for WeChat Pay, the retry (same Idempotency-Key) gets 409 IDEMPOTENCY_IN_PROGRESS for 60 s and then runs requestRefund again: a second refund of other units (a second WeChat Pay refund), or 409 ORDER_NOT_REFUNDABLE / 422 REFUND_EXCEEDS_ORDER for the refund that was made',
    // Only after a wait for a dead attempt's claim: the same answers for another reason are a new finding.
    pattern: /refund.* after IDEMPOTENCY_IN_PROGRESS.*(made [2-9] refunds|but a refund was made|answered (409 ORDER_NOT_REFUNDABLE|422 REFUND_EXCEEDS_ORDER))/
  }
]

export function knownBugOf(invariant: string, violation: string): KnownBug | null {
  return KNOWN_BUGS.find((bug) => bug.pattern.test(`${invariant} :: ${violation}`)) ?? null
}
