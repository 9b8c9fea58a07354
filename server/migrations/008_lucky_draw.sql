-- Lucky draw (积分抽奖): activities, their eight prizes, and every draw with its outcome.
CREATE TABLE draw_activities (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]{2,32}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 30),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
  cost_points integer NOT NULL CHECK (cost_points BETWEEN 0 AND 100000),
  free_draws_per_day integer NOT NULL CHECK (free_draws_per_day BETWEEN 0 AND 100),
  daily_limit integer NOT NULL CHECK (daily_limit BETWEEN 1 AND 1000),
  -- Per member over the whole activity; null = no limit.
  total_limit integer CHECK (total_limit >= 1),
  -- The lowest tier rank that may take part.
  min_tier_rank integer NOT NULL DEFAULT 0 CHECK (min_tier_rank >= 0),
  -- Days a winner of a physical gift has to give a shipping address.
  claim_days integer NOT NULL CHECK (claim_days BETWEEN 1 AND 90),
  rules text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL
);

-- The 九宫格's eight cells. A prize whose stock is gone is never awarded: stock only goes down by
-- a conditional update, and can never go below zero.
CREATE TABLE draw_prizes (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  activity_id integer NOT NULL REFERENCES draw_activities (id),
  slot integer NOT NULL CHECK (slot BETWEEN 0 AND 7),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 20),
  kind text NOT NULL CHECK (kind IN ('points', 'coupon', 'physical', 'thanks')),
  points integer CHECK (points > 0),
  coupon_template_id integer REFERENCES coupon_templates (id),
  weight integer NOT NULL CHECK (weight BETWEEN 0 AND 1000000),
  -- null = unlimited.
  stock integer CHECK (stock >= 0),
  -- The most of this prize one member can win; null = no cap.
  per_member_cap integer CHECK (per_member_cap >= 1),
  UNIQUE (activity_id, slot),
  CHECK ((kind = 'points') = (points IS NOT NULL)),
  CHECK ((kind = 'coupon') = (coupon_template_id IS NOT NULL)),
  CHECK (kind <> 'thanks' OR stock IS NULL)
);

-- Draws per member and day (Asia/Shanghai) and in total: a conditional upsert enforces the limits.
-- A day's free draws are the first ones of that day.
CREATE TABLE draw_counters (
  activity_id integer NOT NULL REFERENCES draw_activities (id),
  member_id integer NOT NULL REFERENCES members (id),
  -- The day in Asia/Shanghai; the whole-activity count sits on 'infinity'.
  day date NOT NULL,
  draws integer NOT NULL CHECK (draws >= 0),
  PRIMARY KEY (activity_id, member_id, day)
);

-- Draw numbers end in a sequence's value: unique by construction, however many per millisecond.
CREATE SEQUENCE draw_no_seq;

CREATE TABLE draws (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  draw_no text NOT NULL UNIQUE,
  activity_id integer NOT NULL REFERENCES draw_activities (id),
  member_id integer NOT NULL REFERENCES members (id),
  prize_id integer NOT NULL REFERENCES draw_prizes (id),
  points_spent integer NOT NULL CHECK (points_spent >= 0),
  free boolean NOT NULL,
  -- awarded: points or coupon given at once; none: 谢谢参与; to_claim → claimed → shipped for a gift.
  status text NOT NULL CHECK (status IN ('awarded', 'none', 'to_claim', 'claimed', 'shipped')),
  coupon_id integer REFERENCES member_coupons (id),
  claim_deadline timestamptz,
  address jsonb,
  carrier text,
  tracking_no text,
  created_at timestamptz NOT NULL,
  CHECK (NOT free OR points_spent = 0),
  CHECK ((status IN ('to_claim', 'claimed', 'shipped')) = (claim_deadline IS NOT NULL)),
  CHECK ((status IN ('claimed', 'shipped')) = (address IS NOT NULL))
);
CREATE INDEX draws_member ON draws (member_id, id DESC);
CREATE INDEX draws_member_prize ON draws (member_id, prize_id);
