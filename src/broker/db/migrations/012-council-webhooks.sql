-- 012: council webhooks. A council registers one URL; events about its requests are queued as deliveries in the
-- same transaction as the change they report (a transactional outbox), and a worker in every broker process sends
-- them with retries (src/broker/webhooks/).

-- One webhook per council. The secret signs every delivery (Standard Webhooks, HMAC-SHA256), so the broker must
-- hold it in clear; it is shown to the council once, when the webhook is registered.
CREATE TABLE council_webhooks (
  council_id text PRIMARY KEY REFERENCES councils (id) ON DELETE CASCADE,
  url        text NOT NULL,
  secret     text NOT NULL,
  created_at timestamptz NOT NULL
);

-- The queue and the delivery log in one: a row per event per council, `pending` until delivered or given up.
-- `id` is the Standard Webhooks message id (`webhook-id`), the same on every attempt and on a replay.
CREATE TABLE webhook_deliveries (
  id              text PRIMARY KEY,
  council_id      text NOT NULL REFERENCES councils (id) ON DELETE CASCADE,
  event_type      text NOT NULL CHECK (event_type IN ('run.finished', 'run.failed', 'request.cohort-reached')),
  -- Ids and states only: never per-home data, never an exact count.
  data            jsonb NOT NULL,
  occurred_at     timestamptz NOT NULL,
  -- When the current series of attempts began: the event, or the council's last replay. Retries stop 24 h later.
  queued_at       timestamptz NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_attempt_at timestamptz,
  -- The receiver's HTTP status, or the broker's fixed reason (`unreachable`, `timeout`, `redirect`, …); never
  -- the receiver's body.
  last_status     integer,
  last_error      text,
  delivered_at    timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_council ON webhook_deliveries (council_id, occurred_at DESC);

-- `request.cohort-reached` is sent once, the first time a request's active consents reach its k.
ALTER TABLE requests ADD COLUMN cohort_reached_at timestamptz;

-- A run's end is queued by the database itself, in the transaction that ends the run: runs end in several places
-- (finished, failed by the executor, out of attempts when claimed or at start, shard readers dead), and a trigger
-- catches every one, present and future, and never one that was rolled back. Failed → failed again sends nothing.
CREATE OR REPLACE FUNCTION queue_run_webhook() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state IN ('done', 'failed') AND OLD.state IS DISTINCT FROM NEW.state THEN
    INSERT INTO webhook_deliveries (id, council_id, event_type, data, occurred_at, queued_at, next_attempt_at)
    SELECT 'msg_' || replace(gen_random_uuid()::text, '-', ''), w.council_id,
           CASE NEW.state WHEN 'done' THEN 'run.finished' ELSE 'run.failed' END,
           jsonb_build_object('requestId', NEW.request_id, 'runId', NEW.id, 'state', NEW.state,
                              'problem', NEW.problem),
           coalesce(NEW.finished_at, now()), coalesce(NEW.finished_at, now()), coalesce(NEW.finished_at, now())
      FROM requests r JOIN council_webhooks w ON w.council_id = r.council_id
     WHERE r.id = NEW.request_id;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER runs_queue_webhook AFTER UPDATE OF state ON runs
  FOR EACH ROW EXECUTE FUNCTION queue_run_webhook();
