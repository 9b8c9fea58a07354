-- Online orders: priced on the server, stock reserved when placed, points held as a spend.
CREATE TABLE loyalty_order_rules (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  -- Unpaid orders close (stock and points come back) after this many minutes.
  unpaid_close_minutes integer NOT NULL CHECK (unpaid_close_minutes BETWEEN 1 AND 1440)
);
INSERT INTO loyalty_order_rules VALUES (true, 15);

CREATE TABLE orders (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_no text NOT NULL UNIQUE,
  member_id integer NOT NULL REFERENCES members (id),
  status text NOT NULL CHECK (status IN ('pending_payment', 'paid', 'cancelled', 'refunded')),
  goods_amount integer NOT NULL CHECK (goods_amount > 0),
  points_used integer NOT NULL CHECK (points_used >= 0),
  deduction_fen integer NOT NULL CHECK (deduction_fen >= 0),
  pay_amount integer NOT NULL CHECK (pay_amount >= 0),
  address jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
  paid_at timestamptz,
  cancelled_at timestamptz,
  cancel_reason text,
  refunded_at timestamptz,
  CHECK (pay_amount = goods_amount - deduction_fen),
  CHECK ((status IN ('paid', 'refunded')) = (paid_at IS NOT NULL)),
  CHECK ((status = 'refunded') = (refunded_at IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE INDEX orders_member ON orders (member_id, id DESC);
CREATE INDEX orders_unpaid ON orders (expires_at) WHERE status = 'pending_payment';

-- What was bought, as it was when ordered (a later price change does not touch the order).
CREATE TABLE order_items (
  order_id integer NOT NULL REFERENCES orders (id),
  sku_id integer NOT NULL REFERENCES skus (id),
  product_name text NOT NULL,
  spec_text text NOT NULL,
  price integer NOT NULL CHECK (price > 0),
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
  PRIMARY KEY (order_id, sku_id)
);
