-- The console's order search: a shipping phone, a date range and a status (待发货 above all) are
-- found through an index rather than a walk back through every order.
CREATE INDEX orders_phone ON orders ((address ->> 'phone'), id DESC);
CREATE INDEX orders_created ON orders (created_at);
CREATE INDEX orders_status ON orders (status, id DESC);
