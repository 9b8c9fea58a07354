-- After-sales (售后): a refund of a paid order that has not shipped is approved at once; once
-- shipped, a member files a request (仅退款 or 退货退款) inside a window after receipt, an operator
-- approves or rejects it, and for 退货退款 the refund is paid when the goods are back.

CREATE TABLE aftersale_rules (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  -- Days after receipt (确认收货, or the automatic one) a request may still be filed.
  window_days integer NOT NULL CHECK (window_days BETWEEN 0 AND 90),
  -- A 仅退款 of an order not yet shipped needs nobody's approval.
  auto_approve_unshipped boolean NOT NULL,
  reasons text[] NOT NULL CHECK (cardinality(reasons) BETWEEN 1 AND 20)
);
INSERT INTO aftersale_rules VALUES (true, 7, true, '{不想要了,商品与描述不符,质量问题,少件或发错货,包装或商品破损,其他}');

-- Quantities named by after-sales requests still open: with what was refunded, never more than bought.
ALTER TABLE order_items ADD COLUMN claimed_quantity integer NOT NULL DEFAULT 0 CHECK (claimed_quantity >= 0);
ALTER TABLE order_items ADD CONSTRAINT order_items_claims_check CHECK (refunded_quantity + claimed_quantity <= quantity);

-- Whether a refund's items go back on sale when it succeeds (unshipped goods, or returns the operator says are sellable).
ALTER TABLE order_refunds ADD COLUMN restock boolean NOT NULL DEFAULT false;

CREATE SEQUENCE aftersale_no_seq;

CREATE TABLE aftersales (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aftersale_no text NOT NULL UNIQUE,
  order_id integer NOT NULL REFERENCES orders (id),
  member_id integer NOT NULL REFERENCES members (id),
  kind text NOT NULL CHECK (kind IN ('refund_only', 'return_refund')),
  -- pending → rejected | awaiting_return → returned → refunding → refunded; pending → refunding for 仅退款;
  -- cancelled by the member while pending or awaiting the return; refund_failed when WeChat Pay refused.
  status text NOT NULL CHECK (status IN ('pending', 'rejected', 'awaiting_return', 'returned', 'refunding', 'refunded', 'refund_failed', 'cancelled')),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 20),
  note text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
  return_carrier text,
  return_tracking_no text,
  decision_reason text,
  refund_no text REFERENCES order_refunds (refund_no),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((status IN ('returned') ) <= (return_tracking_no IS NOT NULL)),
  CHECK ((status IN ('refunding', 'refunded', 'refund_failed')) = (refund_no IS NOT NULL)),
  CHECK (kind = 'return_refund' OR status NOT IN ('awaiting_return', 'returned'))
);
CREATE INDEX aftersales_order ON aftersales (order_id, id);
CREATE INDEX aftersales_open ON aftersales (status, id) WHERE status IN ('pending', 'awaiting_return', 'returned');

CREATE TABLE aftersale_items (
  aftersale_id integer NOT NULL REFERENCES aftersales (id),
  order_id integer NOT NULL,
  sku_id integer NOT NULL,
  quantity integer NOT NULL CHECK (quantity >= 1),
  PRIMARY KEY (aftersale_id, sku_id),
  FOREIGN KEY (order_id, sku_id) REFERENCES order_items (order_id, sku_id)
);

-- Every step of a request, for the member's 售后 timeline and the operator's record.
CREATE TABLE aftersale_events (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aftersale_id integer NOT NULL REFERENCES aftersales (id),
  status text NOT NULL,
  actor text NOT NULL,
  note text,
  at timestamptz NOT NULL
);
CREATE INDEX aftersale_events_of ON aftersale_events (aftersale_id, id);
