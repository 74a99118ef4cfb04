// Table `consents`: the broker's index of consents it verified in residents' pods (one per resident and request).

/** A row of `consents`. Holds a WebID and a pod URL: internal only, never returned to a council. */
export interface ConsentRow {
  request_id: string;
  resident_webid: string;
  /** Root of the resident's pod, ending in `/`. */
  pod: string;
  /** The consent record node in the resident's pod (`…/consents/<request>.ttl#…`). */
  record_iri: string;
  /** The home's area and dwelling type from its profile, for cohorts. */
  area: string;
  dwelling_type: string;
  /** `given` until the resident withdraws; expiry is not a state but `expires_at` compared with now. */
  state: 'given' | 'withdrawn';
  given_at: Date;
  expires_at: Date;
  withdrawn_at: Date | null;
}
