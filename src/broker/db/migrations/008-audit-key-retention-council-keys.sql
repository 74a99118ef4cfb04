-- 008: the audit chain keyed from here on (HMAC, key outside the database), audit retention that keeps the chain
-- checkable, and council keys that can be revoked or rotated.

-- One row: where the keyed chain starts and what a prune left behind. Rows before `keyed_from_seq` were hashed with
-- plain SHA-256 (before this migration); rows from it on with HMAC-SHA-256. Each mark carries an HMAC under the
-- audit key, so someone who can write this table cannot move the switch point or the pruned anchor: the broker
-- seals the switch point (its number and the hash of the row before it) at its first start with the key
-- (sealKeyedChain in src/broker/audit/audit-writer.ts); from then on the unkeyed rows cannot be re-hashed either.
CREATE TABLE audit_chain (
  id                   smallint PRIMARY KEY CHECK (id = 1),
  keyed_from_seq       bigint NOT NULL,
  keyed_from_prev_hash text,
  keyed_from_mac       text,
  -- The last pruned row: the chain goes on from its hash. 0 and 64 zeros when nothing was pruned.
  pruned_through_seq   bigint NOT NULL DEFAULT 0,
  pruned_through_hash  text NOT NULL DEFAULT repeat('0', 64),
  pruned_mac           text
);
INSERT INTO audit_chain (id, keyed_from_seq) SELECT 1, coalesce(max(seq), 0) + 1 FROM audit_log;

-- audit_log stays append-only, except for the retention prune, which deletes the oldest rows inside a transaction
-- that has set `homedata.audit_prune` (src/broker/audit/audit-retention.ts). Edits are still refused.
CREATE OR REPLACE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('homedata.audit_prune', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END
$$;

-- A revoked key fails at once; the council, its requests and its releases stay.
ALTER TABLE councils ADD COLUMN key_revoked_at timestamptz;
