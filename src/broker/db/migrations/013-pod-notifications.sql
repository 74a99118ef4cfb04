-- 013: notifications to and from pods (issue 14). The broker offers each new request to the inbox of every enrolled
-- home in the request's areas, so the register learns a home's area; and it watches each consent record it indexed
-- through a Solid Notifications webhook, so that a record deleted from any Solid app counts as withdrawn.

-- The home's area (ONS GSS code, e.g. a ward), as the operator knows the dwelling. Null: the home is offered
-- nothing (its consents still count; the area that counts for a cohort is the one in the home document).
ALTER TABLE enrolled_homes ADD COLUMN area text CHECK (area ~ '^[EWSN][0-9]{8}$');

-- One webhook subscription per indexed consent. `token` is the last path segment of the broker's `sendTo` URL:
-- unguessable, so that only the pod server that was given it (or whoever can read the channel) can knock, and even
-- then a notification only makes the broker read the record again.
CREATE TABLE consent_watches (
  request_id      text NOT NULL,
  resident_webid  text NOT NULL,
  token           text NOT NULL UNIQUE,
  -- The channel's id as the pod server described it (null until a subscription succeeded).
  channel         text,
  -- When the pod server ends the channel (its `endAt`); null when it named no end.
  ends_at         timestamptz,
  subscribed_at   timestamptz,
  PRIMARY KEY (request_id, resident_webid),
  FOREIGN KEY (request_id, resident_webid) REFERENCES consents (request_id, resident_webid) ON DELETE CASCADE
);
