-- Points: the operator's rules, accounts, an immutable ledger, lots that expire, and reminders.
-- The invariants live here as constraints; server/src/modules/points/ledger.ts is the only writer.

-- One row: every number of the points programme, stored once.
CREATE TABLE loyalty_rules (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  welcome_points integer NOT NULL CHECK (welcome_points >= 0),
  point_value_fen integer NOT NULL CHECK (point_value_fen > 0),
  min_redeem_points integer NOT NULL CHECK (min_redeem_points > 0),
  max_redeem_percent integer NOT NULL CHECK (max_redeem_percent BETWEEN 0 AND 100),
  earn_fen_per_point integer NOT NULL CHECK (earn_fen_per_point > 0),
  earn_lock_days integer NOT NULL CHECK (earn_lock_days >= 0),
  expiry_days integer NOT NULL CHECK (expiry_days > 0),
  expiry_reminder_days integer NOT NULL CHECK (expiry_reminder_days >= 0),
  -- Points must become usable before they expire.
  CHECK (expiry_days > earn_lock_days)
);
INSERT INTO loyalty_rules VALUES (true, 100, 10, 100, 50, 100, 7, 365, 30);

CREATE TABLE point_accounts (
  member_id integer PRIMARY KEY REFERENCES members (id),
  -- Usable points; negative only as a debt left by a refund reversal.
  balance integer NOT NULL DEFAULT 0,
  -- Earned but inside the return window.
  pending integer NOT NULL DEFAULT 0 CHECK (pending >= 0),
  reminder_credits integer NOT NULL DEFAULT 0 CHECK (reminder_credits BETWEEN 0 AND 50)
);

-- One immutable row per change of a balance, tied to the business event that caused it.
-- `amount` changes the balance, `pending_change` the pending points.
CREATE TABLE point_entries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id integer NOT NULL REFERENCES point_accounts (member_id),
  kind text NOT NULL,
  amount integer NOT NULL,
  pending_change integer NOT NULL DEFAULT 0,
  balance_after integer NOT NULL,
  pending_after integer NOT NULL CHECK (pending_after >= 0),
  event_type text NOT NULL CHECK (event_type ~ '^[a-z_]{1,32}$'),
  event_id text NOT NULL CHECK (length(event_id) BETWEEN 1 AND 80),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
  -- The earning a void/reverse/unlock belongs to, the spend a return gives back.
  source_entry_id bigint REFERENCES point_entries (id),
  -- Who, for an operator's adjustment.
  actor text,
  created_at timestamptz NOT NULL,
  UNIQUE (event_type, event_id),
  CHECK (
    CASE kind
      WHEN 'earn' THEN (amount > 0 AND pending_change = 0) OR (amount = 0 AND pending_change > 0)
      WHEN 'unlock' THEN amount > 0 AND pending_change = -amount
      WHEN 'return' THEN amount > 0 AND pending_change = 0
      WHEN 'void' THEN amount = 0 AND pending_change < 0
      WHEN 'spend' THEN amount < 0 AND pending_change = 0
      WHEN 'expire' THEN amount < 0 AND pending_change = 0
      WHEN 'reverse' THEN amount < 0 AND pending_change = 0
      WHEN 'adjust' THEN amount <> 0 AND pending_change = 0 AND actor IS NOT NULL
      ELSE false
    END
  ),
  -- Nothing but a refund reversal takes a balance below zero; an entry that does not lower the
  -- balance (a credit, a pending earning) may leave an existing debt in place.
  CHECK (balance_after >= 0 OR kind = 'reverse' OR amount >= 0)
);
CREATE INDEX point_entries_member_history ON point_entries (member_id, id DESC);
CREATE INDEX point_entries_source ON point_entries (source_entry_id) WHERE source_entry_id IS NOT NULL;

CREATE FUNCTION reject_ledger_edit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are immutable: post a correcting entry instead', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER point_entries_immutable BEFORE UPDATE OR DELETE ON point_entries
  FOR EACH ROW EXECUTE FUNCTION reject_ledger_edit();

-- Each earning is a lot with its own expiry; spending consumes the soonest-expiring lots first.
-- A lot is pending until `unlocked_at` is set (by its unlock entry).
CREATE TABLE point_lots (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id integer NOT NULL REFERENCES point_accounts (member_id),
  entry_id bigint NOT NULL UNIQUE REFERENCES point_entries (id),
  amount integer NOT NULL CHECK (amount > 0),
  remaining integer NOT NULL CHECK (remaining BETWEEN 0 AND amount),
  available_at timestamptz NOT NULL,
  unlocked_at timestamptz,
  expires_at timestamptz NOT NULL CHECK (expires_at > available_at)
);
CREATE INDEX point_lots_member_usable ON point_lots (member_id, expires_at, id) WHERE remaining > 0;
CREATE INDEX point_lots_member_pending ON point_lots (member_id, available_at) WHERE unlocked_at IS NULL;
CREATE INDEX point_lots_due_unlock ON point_lots (available_at) WHERE unlocked_at IS NULL AND remaining > 0;
CREATE INDEX point_lots_due_expiry ON point_lots (expires_at) WHERE remaining > 0;

-- Which lots an entry took points from (spend, expire, reverse), and how many of those a return gave back.
CREATE TABLE point_allocations (
  entry_id bigint NOT NULL REFERENCES point_entries (id),
  lot_id bigint NOT NULL REFERENCES point_lots (id),
  points integer NOT NULL CHECK (points > 0),
  returned integer NOT NULL DEFAULT 0 CHECK (returned BETWEEN 0 AND points),
  PRIMARY KEY (entry_id, lot_id)
);

-- Expiry reminders queued for sending (one per member and expiry day).
CREATE TABLE point_expiry_reminders (
  member_id integer NOT NULL REFERENCES point_accounts (member_id),
  expires_on date NOT NULL,
  points integer NOT NULL CHECK (points > 0),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
  queued_at timestamptz NOT NULL,
  sent_at timestamptz,
  PRIMARY KEY (member_id, expires_on)
);
