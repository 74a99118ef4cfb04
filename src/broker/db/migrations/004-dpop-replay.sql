-- 004: DPoP proofs already used, so that a captured resident request cannot be sent again (docs/security.md, L1). One
-- table for every broker process on the database, so a proof used at one cannot be replayed at another.

CREATE TABLE dpop_replay (
  -- SHA-256 (hex) of the proof key's thumbprint and the proof's `jti`: fixed length whatever the client sent,
  -- and one client cannot spend another key's identifiers.
  jti_digest  text PRIMARY KEY,
  -- When the proof can no longer be accepted anyway (its iat + maximum age + clock tolerance); pruned after.
  expires_at  timestamptz NOT NULL
);
CREATE INDEX dpop_replay_expiry ON dpop_replay (expires_at);
