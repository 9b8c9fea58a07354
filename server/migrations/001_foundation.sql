-- Foundation: stores and staff, users and sessions, tiers, members and idempotency keys.
-- The points rules and ledger are 002.

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
