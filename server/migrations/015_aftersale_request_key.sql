-- The member's request (its Idempotency-Key with its scope) that filed a 售后: a retry that takes
-- over an attempt which died while WeChat Pay was answering resumes that refund, never a second one.
ALTER TABLE aftersales ADD COLUMN request_key text UNIQUE;
