-- Portal (issue 7): the messages a customer has been sent, newest first, on "Mina sidor".
CREATE INDEX outbox_customer_idx ON outbox (customer_id, id);
