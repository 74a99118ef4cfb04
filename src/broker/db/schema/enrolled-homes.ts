// Table `enrolled_homes`: the home register, the dwellings the operator enrolled (migration 005).

/** A row of `enrolled_homes`. Holds a pod URL and WebIDs: operator-only, never returned to a council. */
export interface EnrolledHomeRow {
  /** The operator's id of the dwelling (e.g. a UK UPRN). */
  home_id: string;
  /** Root of the home's pod, normalised (`new URL(pod).href`), ending in `/`. */
  pod: string;
  /** The WebID of the home's enrolled gateway. */
  gateway_webid: string;
  /** The resident's WebID if the operator recorded it; then only that WebID may consent for the home. */
  resident_webid: string | null;
  /** The home's area (ONS GSS code) if the operator recorded it (migration 013): requests for it are offered. */
  area: string | null;
  enrolled_at: Date;
}
