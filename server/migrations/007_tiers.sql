-- Tiers: privileges, growth history, upgrades at once, a yearly review, every change logged.
ALTER TABLE tiers
  -- Points posted once a year in the member's birthday month; 0 = none.
  ADD COLUMN birthday_gift_points integer NOT NULL DEFAULT 0 CHECK (birthday_gift_points BETWEEN 0 AND 100000),
  -- A coupon of this template each month while in the tier.
  ADD COLUMN monthly_coupon_template_id integer REFERENCES coupon_templates (id),
  ADD COLUMN free_shipping boolean NOT NULL DEFAULT false,
  ADD COLUMN priority_service boolean NOT NULL DEFAULT false;

UPDATE tiers SET birthday_gift_points = 0 WHERE code = 'normal';
UPDATE tiers SET birthday_gift_points = 200 WHERE code = 'silver';
UPDATE tiers SET birthday_gift_points = 500, free_shipping = true WHERE code = 'gold';
UPDATE tiers SET birthday_gift_points = 1000, free_shipping = true, priority_service = true WHERE code = 'diamond';

ALTER TABLE members
  -- When the member reached the current tier; the review comes on its anniversaries.
  ADD COLUMN tier_since timestamptz,
  ADD COLUMN tier_review_at timestamptz,
  -- The highest rank whose celebration the member has seen (shown once per tier-up).
  ADD COLUMN celebrated_rank integer NOT NULL DEFAULT 0,
  ADD COLUMN birthday date,
  -- Subscribe-message consents left for the tier-up notice (one per wx.requestSubscribeMessage accept).
  ADD COLUMN tier_notice_credits integer NOT NULL DEFAULT 0 CHECK (tier_notice_credits BETWEEN 0 AND 100);
-- Growth gathered before tiers moved counts now: the tier it reaches, reviewed a year from today.
UPDATE members m SET tier_code = (SELECT t.code FROM tiers t WHERE t.growth_threshold <= m.growth ORDER BY t.rank DESC LIMIT 1);
UPDATE members SET tier_since = now(), tier_review_at = now() + interval '1 year' WHERE tier_code <> 'normal';
ALTER TABLE members ADD CONSTRAINT members_tier_review_check CHECK ((tier_code = 'normal') = (tier_review_at IS NULL));
CREATE INDEX members_tier_review ON members (tier_review_at) WHERE tier_review_at IS NOT NULL;
CREATE INDEX members_birthday_month ON members ((extract(month FROM birthday))) WHERE birthday IS NOT NULL;

-- Every change of growth, tied to its business event (posts once): the yearly review sums the
-- last 12 months of it.
CREATE TABLE growth_entries (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id integer NOT NULL REFERENCES members (id),
  amount integer NOT NULL CHECK (amount <> 0),
  event_type text NOT NULL,
  event_id text NOT NULL,
  reason text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (event_type, event_id)
);
CREATE INDEX growth_entries_member ON growth_entries (member_id, created_at);
INSERT INTO growth_entries (member_id, amount, event_type, event_id, reason, created_at)
  SELECT id, growth, 'opening', id::text, '成长值期初', now() FROM members WHERE growth > 0;

-- Every tier change (and every review that kept a tier), with its reason.
CREATE TABLE tier_changes (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id integer NOT NULL REFERENCES members (id),
  from_tier text NOT NULL REFERENCES tiers (code),
  to_tier text NOT NULL REFERENCES tiers (code),
  kind text NOT NULL CHECK (kind IN ('upgrade', 'review_keep', 'review_downgrade', 'operator')),
  reason text NOT NULL,
  operator text,
  created_at timestamptz NOT NULL,
  CHECK ((kind = 'operator') = (operator IS NOT NULL)),
  CHECK ((kind = 'review_keep') = (from_tier = to_tier))
);
CREATE INDEX tier_changes_member ON tier_changes (member_id, id DESC);

-- Tier-up subscribe messages waiting to be sent by the job.
CREATE TABLE tier_notices (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id integer NOT NULL REFERENCES members (id),
  tier_code text NOT NULL REFERENCES tiers (code),
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  failed boolean NOT NULL DEFAULT false
);
CREATE INDEX tier_notices_unsent ON tier_notices (id) WHERE sent_at IS NULL AND NOT failed;

-- Operators' corrections of member data (a birthday set by mistake), with who and why.
CREATE TABLE member_audit (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id integer NOT NULL REFERENCES members (id),
  field text NOT NULL,
  old_value text,
  new_value text,
  reason text NOT NULL,
  operator text NOT NULL,
  created_at timestamptz NOT NULL
);
