// Table `broker_secrets`: secrets the broker makes for itself on first use, e.g. the home-key HMAC key (migration 002).

/** A row of `broker_secrets`. */
export interface BrokerSecretRow {
  name: string;
  /** Hex-encoded random bytes. */
  value: string;
  created_at: Date;
}
