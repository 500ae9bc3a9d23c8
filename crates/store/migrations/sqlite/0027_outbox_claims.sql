-- Several servers deliver the outbox (issue 19): a sender claims the pending messages it is
-- about to send until this instant (microseconds UTC), so another server's sender skips them;
-- a claim left by a server that died runs out and the message is sent by another.
ALTER TABLE outbox ADD COLUMN claimed_until BIGINT;
