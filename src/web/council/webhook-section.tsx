// The council's webhook: set, see and remove its URL, see the signing secret once, list and replay deliveries.
import { useState } from 'preact/hooks';
import type { DeliveryView } from '../../broker/contract.ts';
import { messageOf } from '../shared/problem.ts';
import { Empty, Failure, Loading } from '../shared/status.tsx';
import { useAsync } from '../shared/use-async.ts';
import type { CouncilApi } from './council-api.ts';

/** What a delivery's state means to a council officer. */
const STATE_WORDS: Record<DeliveryView['state'], string> = {
  pending: 'waiting to be sent',
  delivered: 'delivered',
  failed: 'given up',
};

/** The webhook section of the dashboard. */
export function WebhookSection({ api }: { api: CouncilApi }) {
  const [webhook, reloadWebhook] = useAsync(() => api.getWebhook(), [api]);
  const [deliveries, reloadDeliveries] = useAsync(() => api.listDeliveries(), [api]);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);

  const act = async (action: () => Promise<unknown>) => {
    setRefusal(null);
    try {
      await action();
    } catch (error) {
      setRefusal(messageOf(error));
    }
    reloadWebhook();
    reloadDeliveries();
  };
  const save = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      const registered = await api.setWebhook(url.trim());
      setSecret(registered.secret);
      setUrl('');
    });
  };
  const remove = () =>
    act(async () => {
      await api.deleteWebhook();
      setSecret(null);
    });

  return (
    <section id="webhook" aria-labelledby="webhook-title">
      <h2 id="webhook-title">Webhook</h2>
      <p class="muted">
        The broker POSTs an event to your URL when a run finishes or fails and when a request first has enough
        residents, signed as the Standard Webhooks specification says, and retries for 24 hours.
      </p>
      {webhook.status === 'loading' && <Loading what="your webhook" />}
      {webhook.status === 'failed' && <Failure error={webhook.error} retry={reloadWebhook} />}
      {webhook.status === 'loaded' &&
        (webhook.value ? (
          <div class="actions">
            <span>
              Sending to <code>{webhook.value.url}</code>
            </span>
            <button type="button" onClick={remove}>
              Remove webhook
            </button>
          </div>
        ) : (
          <Empty>No webhook is registered.</Empty>
        ))}
      {secret && (
        <div class="notice success" role="status">
          <p>
            <strong>Signing secret, shown only now:</strong> <code>{secret}</code>
          </p>
          <p>Keep it with your receiver; it verifies the webhook-signature header of every event.</p>
        </div>
      )}
      <form onSubmit={save}>
        <label for="webhook-url">Webhook URL (https)</label>
        <input
          id="webhook-url"
          type="url"
          required
          value={url}
          onInput={(event) => setUrl((event.target as HTMLInputElement).value)}
        />
        <button type="submit">{webhook.status === 'loaded' && webhook.value ? 'Replace' : 'Save'}</button>
      </form>
      {refusal && (
        <div class="notice error" role="alert">
          <p>{refusal}</p>
        </div>
      )}
      <h3>Recent deliveries</h3>
      {deliveries.status === 'loading' && <Loading what="deliveries" />}
      {deliveries.status === 'failed' && <Failure error={deliveries.error} retry={reloadDeliveries} />}
      {deliveries.status === 'loaded' &&
        (deliveries.value.deliveries.length === 0 ? (
          <Empty>Nothing sent yet.</Empty>
        ) : (
          <div class="table-scroll">
            <table class="deliveries">
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">When</th>
                  <th scope="col">State</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last answer</th>
                  <th scope="col">
                    <span class="visually-hidden">Replay</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {deliveries.value.deliveries.map((delivery) => (
                  <tr key={delivery.id}>
                    <td>{delivery.type}</td>
                    <td>{new Date(delivery.occurredAt).toLocaleString()}</td>
                    <td>{STATE_WORDS[delivery.state]}</td>
                    <td>{delivery.attempts}</td>
                    <td>{delivery.lastStatus ?? delivery.lastError ?? '—'}</td>
                    <td>
                      <button type="button" onClick={() => act(() => api.replayDelivery(delivery.id))}>
                        Send again
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </section>
  );
}
