-- WeChat is called outside transactions: what must be asked is recorded first, the answer applied after.

-- An unpaid order WeChat Pay keeps failing on is retried later, with backoff, and never blocks the others.
ALTER TABLE orders
  ADD COLUMN wechat_failures integer NOT NULL DEFAULT 0 CHECK (wechat_failures >= 0),
  ADD COLUMN wechat_retry_at timestamptz;
CREATE INDEX orders_unpaid_due ON orders (expires_at, wechat_retry_at) WHERE status = 'pending_payment';

-- A payment that arrives for an order closed meanwhile is refunded whole: a refund row of its own kind,
-- which gives back money only (the order earned and spent nothing that is still standing).
ALTER TABLE order_refunds ADD COLUMN kind text NOT NULL DEFAULT 'items' CHECK (kind IN ('items', 'closed_order'));

-- Messages are claimed (sending), sent outside any transaction, then recorded. A claim whose job died
-- before recording is never sent again: at most once, as WeChat's one-message-per-consent requires.
ALTER TABLE point_expiry_reminders DROP CONSTRAINT point_expiry_reminders_status_check;
ALTER TABLE point_expiry_reminders
  ADD CONSTRAINT point_expiry_reminders_status_check CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
  ADD COLUMN claimed_at timestamptz;
ALTER TABLE tier_notices ADD COLUMN claimed_at timestamptz;
