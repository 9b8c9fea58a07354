-- The operator console: accounts with roles, server-side sessions, tills with their own keys,
-- an append-only audit log, maker-checker points adjustments, member tags and the console's limits.

CREATE TABLE operators (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z][a-z0-9_.-]{2,31}$'),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 32),
  role text NOT NULL CHECK (role IN ('super_admin', 'operations', 'store_manager', 'support', 'read_only')),
  -- argon2id, in its PHC string form (parameters and salt included).
  password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  -- Set when someone else chose the password (first run, a reset); the console asks to change it.
  must_change_password boolean NOT NULL DEFAULT true,
  disabled boolean NOT NULL DEFAULT false,
  failed_logins integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
  locked_until timestamptz,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL
);

-- The stores a 门店店长 acts for; other roles have none (they see every store).
CREATE TABLE operator_stores (
  operator_id integer NOT NULL REFERENCES operators (id),
  store_id integer NOT NULL REFERENCES stores (id),
  PRIMARY KEY (operator_id, store_id)
);

-- Server-side sessions: the cookie holds a random token, the table only its SHA-256.
CREATE TABLE operator_sessions (
  token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  operator_id integer NOT NULL REFERENCES operators (id),
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
  revoked_at timestamptz
);
CREATE INDEX operator_sessions_operator ON operator_sessions (operator_id) WHERE revoked_at IS NULL;

-- Each till is a credential of its own, bound to one store. Only the key's hash is kept.
CREATE TABLE tills (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  store_id integer NOT NULL REFERENCES stores (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 32),
  key_hash text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  key_prefix text NOT NULL,
  created_at timestamptz NOT NULL,
  rotated_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX tills_store ON tills (store_id);

ALTER TABLE store_sales ADD COLUMN till_id integer REFERENCES tills (id);

-- A member code pays with points once: its (member, window) is claimed by the first sale that spends.
CREATE TABLE member_code_spends (
  member_id integer NOT NULL REFERENCES members (id),
  code_window bigint NOT NULL,
  sale_id integer NOT NULL REFERENCES store_sales (id),
  PRIMARY KEY (member_id, code_window)
);

-- Every operator, till and service write, in the transaction that made it; never edited.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_kind text NOT NULL CHECK (actor_kind IN ('operator', 'till', 'service')),
  actor_id text,
  actor_name text NOT NULL,
  actor_role text,
  action text NOT NULL CHECK (length(action) BETWEEN 1 AND 120),
  target_type text NOT NULL CHECK (target_type ~ '^[a-z_]{1,32}$'),
  target_id text,
  before jsonb,
  after jsonb,
  reason text,
  ip text,
  user_agent text,
  request_id text,
  CHECK (actor_kind <> 'operator' OR (actor_id IS NOT NULL AND actor_role IS NOT NULL))
);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor_name, id DESC);
CREATE INDEX audit_log_action ON audit_log (action, id DESC);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TRIGGER audit_log_immutable BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION reject_ledger_edit();

-- The console's own limits; one row.
CREATE TABLE operator_rules (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  adjustment_approval_threshold integer NOT NULL CHECK (adjustment_approval_threshold > 0),
  support_adjustment_limit integer NOT NULL CHECK (support_adjustment_limit > 0)
);
INSERT INTO operator_rules VALUES (true, 5000, 500);

-- Operators' points adjustments. Large ones wait for a second operator (maker-checker); the
-- ledger event of the posting is the adjustment itself, so it posts once however often approved.
CREATE TABLE point_adjustments (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id integer NOT NULL REFERENCES members (id),
  points integer NOT NULL CHECK (points <> 0),
  reason text NOT NULL CHECK (length(reason) BETWEEN 2 AND 200),
  status text NOT NULL CHECK (status IN ('pending', 'posted', 'rejected')),
  maker_kind text NOT NULL CHECK (maker_kind IN ('operator', 'service')),
  maker_id integer REFERENCES operators (id),
  maker_name text NOT NULL,
  checker_id integer REFERENCES operators (id),
  checker_name text,
  decision_reason text,
  entry_id bigint REFERENCES point_entries (id),
  created_at timestamptz NOT NULL,
  decided_at timestamptz,
  CHECK ((maker_kind = 'operator') = (maker_id IS NOT NULL)),
  -- The maker never checks their own adjustment.
  CHECK (checker_id IS NULL OR maker_id IS NULL OR checker_id <> maker_id),
  CHECK ((status = 'posted') = (entry_id IS NOT NULL)),
  CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX point_adjustments_status ON point_adjustments (status, id DESC);
CREATE INDEX point_adjustments_member ON point_adjustments (member_id, id DESC);

CREATE TABLE member_tags (
  member_id integer NOT NULL REFERENCES members (id),
  tag text NOT NULL CHECK (length(tag) BETWEEN 1 AND 16),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (member_id, tag)
);
CREATE INDEX member_tags_tag ON member_tags (tag, member_id);

-- The console's member list pages by keyset on these.
CREATE INDEX members_joined ON members (joined_at DESC, id DESC);
CREATE INDEX members_store_joined ON members (joined_store_id, joined_at DESC, id DESC);
CREATE INDEX members_growth ON members (growth DESC, id DESC);
CREATE INDEX point_accounts_balance ON point_accounts (balance DESC, member_id DESC);
