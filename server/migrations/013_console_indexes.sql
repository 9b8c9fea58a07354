-- The console's member page lists a member's till sales, newest first.
CREATE INDEX store_sales_member ON store_sales (member_id, id DESC);
