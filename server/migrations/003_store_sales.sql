-- Purchases at a store's till by members who showed their member code.
CREATE TABLE store_sales (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  store_id integer NOT NULL REFERENCES stores (id),
  receipt_no text NOT NULL CHECK (receipt_no ~ '^[A-Za-z0-9-]{1,32}$'),
  member_id integer NOT NULL REFERENCES members (id),
  goods_amount integer NOT NULL CHECK (goods_amount > 0),
  points_used integer NOT NULL DEFAULT 0 CHECK (points_used >= 0),
  deduction_fen integer NOT NULL DEFAULT 0 CHECK (deduction_fen >= 0),
  pay_amount integer NOT NULL CHECK (pay_amount >= 0),
  points_earned integer NOT NULL DEFAULT 0 CHECK (points_earned >= 0),
  points_available_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'refunded')),
  created_at timestamptz NOT NULL,
  refunded_at timestamptz,
  -- A receipt is recorded once per store, however often the till retries.
  UNIQUE (store_id, receipt_no),
  CHECK (pay_amount = goods_amount - deduction_fen),
  CHECK ((status = 'refunded') = (refunded_at IS NOT NULL))
);
