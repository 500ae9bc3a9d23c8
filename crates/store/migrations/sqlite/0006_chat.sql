-- Chat with customer service (DESIGN §3.4, measure M3): a customer's chat waits in one queue,
-- an agent accepts it (at most `max_chats` at a time), may hand it over, and closes it into a
-- case that keeps the transcript. Outside opening hours, or with no agent online, the first
-- message becomes a case at once.
-- The PostgreSQL twin of this file differs only in key columns (IDENTITY).

CREATE TABLE chats (
    id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    status TEXT NOT NULL CHECK (status IN ('queued', 'active', 'closed')),
    topic TEXT NOT NULL,
    agent_user_id BIGINT REFERENCES users (id),
    queued_at BIGINT NOT NULL,
    accepted_at BIGINT,
    closed_at BIGINT,
    -- Set when the customer leaves an active chat; the agent still closes it into a case.
    customer_left_at BIGINT,
    case_id BIGINT REFERENCES cases (id),
    CHECK (status <> 'active' OR agent_user_id IS NOT NULL)
);
-- At most one open chat per customer.
CREATE UNIQUE INDEX chats_one_open_idx ON chats (customer_id) WHERE status <> 'closed' AND customer_left_at IS NULL;
CREATE INDEX chats_queue_idx ON chats (status, queued_at, id);
CREATE INDEX chats_agent_idx ON chats (agent_user_id, status);
CREATE INDEX chats_customer_idx ON chats (customer_id, id);

CREATE TABLE chat_messages (
    id INTEGER PRIMARY KEY,
    chat_id BIGINT NOT NULL REFERENCES chats (id),
    sender TEXT NOT NULL CHECK (sender IN ('customer', 'agent', 'system')),
    user_id BIGINT REFERENCES users (id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX chat_messages_chat_idx ON chat_messages (chat_id, id);

-- Agents who take chats: online or not, how many at once, and when they were last seen (a
-- console page or an open socket); an agent not seen for a while counts as offline.
CREATE TABLE agent_presence (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    online BOOLEAN NOT NULL DEFAULT FALSE,
    max_chats BIGINT NOT NULL DEFAULT 3 CHECK (max_chats BETWEEN 1 AND 1000),
    last_seen BIGINT NOT NULL
);
