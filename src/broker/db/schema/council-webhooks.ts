// Table `council_webhooks`: the one webhook URL a council registered, with the secret that signs its deliveries.

/** A row of `council_webhooks` (migration 012). */
export interface CouncilWebhookRow {
  council_id: string;
  /** Where deliveries are POSTed: https, or http on loopback when the operator allows it. */
  url: string;
  /** `whsec_<base64>`: the Standard Webhooks signing secret, shown to the council once. */
  secret: string;
  created_at: Date;
}
