-- Referral invites (邀请有礼): one code per member, bindings, rewards, share tracking.
CREATE TABLE loyalty_referral_rules (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  inviter_points integer NOT NULL CHECK (inviter_points BETWEEN 0 AND 100000),
  daily_reward_limit integer NOT NULL CHECK (daily_reward_limit BETWEEN 1 AND 1000),
  -- The coupon a friend gets on joining through an invite; none when null.
  new_member_coupon_template_id integer REFERENCES coupon_templates (id),
  -- getUserRiskRank at or above this holds the inviter's reward for review.
  hold_risk_rank integer NOT NULL CHECK (hold_risk_rank BETWEEN 1 AND 5)
);
INSERT INTO loyalty_referral_rules (inviter_points, daily_reward_limit, hold_risk_rank) VALUES (50, 20, 3);

-- A name the member chose (WeChat no longer hands it out); shown masked to others.
ALTER TABLE users ADD COLUMN nickname text CHECK (length(nickname) BETWEEN 1 AND 20);

CREATE TABLE invite_codes (
  member_id integer PRIMARY KEY REFERENCES members (id),
  -- 6 characters without 0 O 1 I L: read aloud or typed, never mistaken.
  code text NOT NULL UNIQUE CHECK (code ~ '^[2-9A-HJKMNP-Z]{6}$'),
  -- The mini-program code image, cached: WeChat's call is slow and rate-limited.
  qr_content_type text,
  qr_image bytea,
  created_at timestamptz NOT NULL
);

CREATE TABLE referral_shares (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  inviter_member_id integer NOT NULL REFERENCES members (id),
  channel text NOT NULL CHECK (channel IN ('card', 'poster')),
  created_at timestamptz NOT NULL
);
CREATE INDEX referral_shares_inviter ON referral_shares (inviter_member_id, created_at);

CREATE TABLE referral_visits (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  inviter_member_id integer NOT NULL REFERENCES members (id),
  visitor_user_id integer NOT NULL REFERENCES users (id),
  channel text NOT NULL CHECK (channel IN ('card', 'poster')),
  share_id integer REFERENCES referral_shares (id),
  created_at timestamptz NOT NULL
);
CREATE INDEX referral_visits_inviter ON referral_visits (inviter_member_id, created_at);

-- Who invited whom: the first invite a never-member arrives through wins (one row per invitee).
CREATE TABLE referral_bindings (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  invitee_user_id integer NOT NULL UNIQUE REFERENCES users (id),
  inviter_member_id integer NOT NULL REFERENCES members (id),
  channel text NOT NULL CHECK (channel IN ('card', 'poster')),
  share_id integer REFERENCES referral_shares (id),
  -- pending: 待加入; joined: 已加入 (rewarded, or held for review); ineligible: 不符合条件 (see reason).
  status text NOT NULL CHECK (status IN ('pending', 'joined', 'ineligible')),
  reason text,
  invitee_member_id integer UNIQUE REFERENCES members (id),
  reward_points integer NOT NULL DEFAULT 0 CHECK (reward_points >= 0),
  reward_held boolean NOT NULL DEFAULT false,
  bound_at timestamptz NOT NULL,
  joined_at timestamptz,
  -- The inviter's day (Asia/Shanghai) a reward counts against.
  rewarded_on date,
  CHECK ((status = 'pending') = (invitee_member_id IS NULL)),
  CHECK ((status = 'ineligible') = (reason IS NOT NULL) OR reward_held),
  CHECK (NOT reward_held OR status = 'joined')
);
CREATE INDEX referral_bindings_inviter ON referral_bindings (inviter_member_id, bound_at DESC);
CREATE INDEX referral_bindings_rewarded ON referral_bindings (inviter_member_id, rewarded_on) WHERE rewarded_on IS NOT NULL;
