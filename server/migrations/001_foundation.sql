-- Foundation: stores and staff, users and sessions, tiers, members, the points ledger the
-- welcome gift posts to, operator rules, and idempotency keys.

CREATE TABLE stores (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9]{2,12}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  city text NOT NULL,
  address text NOT NULL,
  phone text,
  open boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  store_id integer NOT NULL REFERENCES stores (id),
  code text NOT NULL CHECK (code ~ '^[A-Z0-9]{1,12}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 32),
  active boolean NOT NULL DEFAULT true,
  UNIQUE (store_id, code)
);

CREATE TABLE users (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  openid text NOT NULL UNIQUE,
  unionid text,
  -- Needed later to decrypt data WeChat hands the client; never sent to the client.
  session_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tiers (
  code text PRIMARY KEY,
  name text NOT NULL,
  rank integer NOT NULL UNIQUE CHECK (rank >= 0),
  growth_threshold integer NOT NULL UNIQUE CHECK (growth_threshold >= 0),
  -- Growth in the last 12 months needed to keep the tier at the yearly review.
  keep_threshold integer NOT NULL CHECK (keep_threshold >= 0),
  -- Points multiplier in thousandths (1200 = ×1.2): integers only near points.
  points_multiplier_permille integer NOT NULL CHECK (points_multiplier_permille >= 1000),
  CHECK ((rank = 0) = (growth_threshold = 0))
);

INSERT INTO tiers (code, name, rank, growth_threshold, keep_threshold, points_multiplier_permille) VALUES
  ('normal', '普通会员', 0, 0, 0, 1000),
  ('silver', '银卡', 1, 1000, 500, 1200),
  ('gold', '金卡', 2, 5000, 2500, 1500),
  ('diamond', '钻石', 3, 20000, 10000, 2000);

-- Operator-configurable rules: one row, every number stored once.
CREATE TABLE loyalty_rules (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  welcome_points integer NOT NULL CHECK (welcome_points >= 0),
  points_expiry_days integer NOT NULL CHECK (points_expiry_days > 0)
);
INSERT INTO loyalty_rules (welcome_points, points_expiry_days) VALUES (100, 365);

CREATE SEQUENCE member_no_seq START 10000001;

CREATE TABLE members (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- One membership per person, whatever the retries or races.
  user_id integer NOT NULL UNIQUE REFERENCES users (id),
  member_no text NOT NULL UNIQUE DEFAULT nextval('member_no_seq')::text,
  joined_store_id integer REFERENCES stores (id),
  joined_staff_id integer REFERENCES staff (id),
  tier_code text NOT NULL DEFAULT 'normal' REFERENCES tiers (code),
  growth integer NOT NULL DEFAULT 0 CHECK (growth >= 0),
  joined_at timestamptz NOT NULL
);

CREATE TABLE point_accounts (
  member_id integer PRIMARY KEY REFERENCES members (id),
  balance integer NOT NULL DEFAULT 0
);

-- Immutable: one row per change of a balance, tied to the business event that caused it.
CREATE TABLE point_entries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id integer NOT NULL REFERENCES point_accounts (member_id),
  kind text NOT NULL CHECK (kind IN ('earn', 'spend', 'expire', 'reverse', 'return', 'adjust')),
  amount integer NOT NULL CHECK (amount <> 0),
  balance_after integer NOT NULL,
  event_type text NOT NULL,
  event_id text NOT NULL,
  reason text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (event_type, event_id),
  -- Only a refund reversal may leave a debt.
  CHECK (balance_after >= 0 OR kind = 'reverse'),
  CHECK ((kind IN ('earn', 'return') AND amount > 0) OR (kind IN ('spend', 'expire', 'reverse') AND amount < 0) OR kind = 'adjust')
);
CREATE INDEX point_entries_member_created ON point_entries (member_id, created_at DESC, id DESC);

CREATE FUNCTION reject_ledger_edit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'point_entries are immutable: post a correcting entry instead' USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER point_entries_immutable BEFORE UPDATE OR DELETE ON point_entries
  FOR EACH ROW EXECUTE FUNCTION reject_ledger_edit();

-- Each earning is a lot that expires on its own date; spending consumes the soonest-expiring first.
CREATE TABLE point_lots (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id integer NOT NULL REFERENCES point_accounts (member_id),
  entry_id bigint NOT NULL UNIQUE REFERENCES point_entries (id),
  amount integer NOT NULL CHECK (amount > 0),
  remaining integer NOT NULL CHECK (remaining BETWEEN 0 AND amount),
  available_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > available_at)
);
CREATE INDEX point_lots_member_expiry ON point_lots (member_id, expires_at) WHERE remaining > 0;

CREATE TABLE idempotency_keys (
  scope text NOT NULL,
  key text NOT NULL,
  route text NOT NULL,
  request_hash text NOT NULL,
  response jsonb,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
