-- Coupons: templates an operator defines, and the coupons issued from them to members.
CREATE TABLE coupon_templates (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 30),
  kind text NOT NULL CHECK (kind IN ('amount', 'percent')),
  -- amount: fen taken off; percent: the share taken off (10 = 9折) up to max_discount fen.
  amount_off integer CHECK (amount_off > 0),
  percent_off integer CHECK (percent_off BETWEEN 1 AND 99),
  max_discount integer CHECK (max_discount > 0),
  -- The goods amount (fen) an order needs for the coupon to apply; 0 = 无门槛.
  threshold integer NOT NULL CHECK (threshold >= 0),
  -- Validity: a fixed window, or N days from the moment a coupon is issued.
  valid_from timestamptz,
  valid_until timestamptz,
  valid_days integer CHECK (valid_days BETWEEN 1 AND 3650),
  per_member_limit integer NOT NULL CHECK (per_member_limit BETWEEN 1 AND 100),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  CHECK ((kind = 'amount') = (amount_off IS NOT NULL)),
  CHECK ((kind = 'percent') = (percent_off IS NOT NULL AND max_discount IS NOT NULL)),
  CHECK ((valid_days IS NULL) = (valid_from IS NOT NULL AND valid_until IS NOT NULL)),
  CHECK (valid_until > valid_from)
);

CREATE TABLE member_coupons (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  template_id integer NOT NULL REFERENCES coupon_templates (id),
  member_id integer NOT NULL REFERENCES members (id),
  -- The nth coupon of this template for this member: the per-member limit is a key, not a count.
  seq integer NOT NULL CHECK (seq >= 1),
  -- What issued it (operator, new_member, tier, draw…); the pair is unique so an event issues once.
  source_type text NOT NULL,
  source_id text NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_until timestamptz NOT NULL CHECK (valid_until > valid_from),
  issued_at timestamptz NOT NULL,
  used_order_id integer,
  used_at timestamptz,
  UNIQUE (member_id, template_id, seq),
  UNIQUE (source_type, source_id),
  CHECK ((used_order_id IS NULL) = (used_at IS NULL))
);
CREATE INDEX member_coupons_member ON member_coupons (member_id, valid_until);

-- Order numbers end in this sequence's value: never the same twice, however many per second.
CREATE SEQUENCE order_no_seq;

-- Orders: coupons, WeChat Pay, shipping and refunds of some items.
-- 005's unnamed checks, by the names PostgreSQL gave them: pay = goods − points, and paid ⇔ paid_at.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders DROP CONSTRAINT orders_check1;
ALTER TABLE orders DROP CONSTRAINT orders_check2;
ALTER TABLE orders
  ADD COLUMN coupon_id integer REFERENCES member_coupons (id),
  ADD COLUMN coupon_discount integer NOT NULL DEFAULT 0 CHECK (coupon_discount >= 0),
  ADD COLUMN payment_provider text CHECK (payment_provider IN ('dev', 'wechat')),
  ADD COLUMN transaction_id text UNIQUE,
  -- When a WeChat Pay prepay was made: closing such an order asks WeChat Pay first.
  ADD COLUMN prepaid_at timestamptz,
  -- What the payment posted, so refunds of some items take back their share of it.
  ADD COLUMN points_earned integer NOT NULL DEFAULT 0 CHECK (points_earned >= 0),
  ADD COLUMN growth_added integer NOT NULL DEFAULT 0 CHECK (growth_added >= 0),
  ADD COLUMN carrier text,
  ADD COLUMN tracking_no text,
  ADD COLUMN shipped_at timestamptz,
  ADD COLUMN completed_at timestamptz;
-- Orders paid before providers were recorded were paid by the dev stand-in.
UPDATE orders SET payment_provider = 'dev' WHERE paid_at IS NOT NULL;
ALTER TABLE orders
  ADD CONSTRAINT orders_status_check
    CHECK (status IN ('pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'refunded')),
  ADD CONSTRAINT orders_pay_amount_sum_check CHECK (pay_amount = goods_amount - coupon_discount - deduction_fen),
  ADD CONSTRAINT orders_paid_check
    CHECK ((status IN ('paid', 'shipped', 'completed', 'refunded')) = (paid_at IS NOT NULL AND payment_provider IS NOT NULL)),
  ADD CONSTRAINT orders_shipped_check CHECK (status NOT IN ('shipped', 'completed') OR shipped_at IS NOT NULL),
  ADD CONSTRAINT orders_completed_check CHECK (status <> 'completed' OR completed_at IS NOT NULL);
ALTER TABLE member_coupons ADD FOREIGN KEY (used_order_id) REFERENCES orders (id);

-- Refunded (or being refunded) quantity of each line; never more than was bought.
ALTER TABLE order_items ADD COLUMN refunded_quantity integer NOT NULL DEFAULT 0;
ALTER TABLE order_items ADD CONSTRAINT order_items_refunded_check CHECK (refunded_quantity BETWEEN 0 AND quantity);

ALTER TABLE loyalty_order_rules
  ADD COLUMN auto_receive_days integer NOT NULL DEFAULT 10 CHECK (auto_receive_days BETWEEN 1 AND 60);

-- A refund of some or all of an order's items. Its shares of the cash, of the points used, of
-- the points earned and of the growth are fixed when it is requested and posted when it succeeds.
CREATE TABLE order_refunds (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  refund_no text NOT NULL UNIQUE,
  order_id integer NOT NULL REFERENCES orders (id),
  status text NOT NULL CHECK (status IN ('processing', 'succeeded', 'failed')),
  amount integer NOT NULL CHECK (amount >= 0),
  points_back integer NOT NULL CHECK (points_back >= 0),
  earned_back integer NOT NULL CHECK (earned_back >= 0),
  growth_back integer NOT NULL CHECK (growth_back >= 0),
  -- The whole rest of the order: the coupon comes back when it succeeds.
  closes_order boolean NOT NULL,
  reason text NOT NULL,
  created_at timestamptz NOT NULL,
  completed_at timestamptz,
  CHECK ((status = 'processing') = (completed_at IS NULL))
);
CREATE INDEX order_refunds_order ON order_refunds (order_id);
CREATE INDEX order_refunds_processing ON order_refunds (created_at) WHERE status = 'processing';

CREATE TABLE order_refund_items (
  refund_id integer NOT NULL REFERENCES order_refunds (id),
  order_id integer NOT NULL,
  sku_id integer NOT NULL,
  quantity integer NOT NULL CHECK (quantity >= 1),
  PRIMARY KEY (refund_id, sku_id),
  FOREIGN KEY (order_id, sku_id) REFERENCES order_items (order_id, sku_id)
);
