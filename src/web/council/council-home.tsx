// The signed-in dashboard: the council's requests, the chosen request's runs and results, and a new-request form.
import { useState } from 'preact/hooks';
import { Empty, Failure, Loading } from '../shared/status.tsx';
import { useAsync } from '../shared/use-async.ts';
import { fetchBrokerInfo, type CouncilApi } from './council-api.ts';
import { RequestCard } from './request-card.tsx';
import { RequestDetail } from './request-detail.tsx';
import { RequestForm } from './request-form.tsx';
import { WebhookSection } from './webhook-section.tsx';

/** Everything a signed-in council sees. */
export function CouncilHome({ api, council }: { api: CouncilApi; council: { id: string; name: string } }) {
  const [requests, reloadRequests] = useAsync(() => api.listRequests(), [api]);
  const [policy, reloadPolicy] = useAsync(() => fetchBrokerInfo(), []);
  const [selected, setSelected] = useState<string | null>(null);
  const [filed, setFiled] = useState<string | null>(null);

  const chosen =
    requests.status === 'loaded'
      ? requests.value.requests.find((request) => request.id === selected)
      : undefined;

  return (
    <>
      <nav class="sections" aria-label="Sections">
        <ul>
          <li>
            <a href="#requests">Your requests</a>
          </li>
          <li>
            <a href="#new-request">New request</a>
          </li>
          <li>
            <a href="#webhook">Webhook</a>
          </li>
        </ul>
      </nav>
      <section id="requests" aria-labelledby="requests-title">
        <h2 id="requests-title">Your requests</h2>
        <p class="muted">
          {council.name}: residents see each request in plain words and decide themselves. You see how many
          agreed only once at least the minimum group size have.
        </p>
        {filed && (
          <p class="notice success" role="status">
            Request “{filed}” filed. Residents can now see it.
          </p>
        )}
        {requests.status === 'loading' && <Loading what="your requests" />}
        {requests.status === 'failed' && <Failure error={requests.error} retry={reloadRequests} />}
        {requests.status === 'loaded' &&
          (requests.value.requests.length === 0 ? (
            <Empty>You have not filed a request yet. Use the form below to ask residents for figures.</Empty>
          ) : (
            <ul class="plain-list">
              {requests.value.requests.map((request) => (
                <li key={request.id}>
                  <RequestCard
                    request={request}
                    selected={request.id === selected}
                    onSelect={() => setSelected(request.id)}
                  />
                </li>
              ))}
            </ul>
          ))}
      </section>
      {chosen && <RequestDetail api={api} request={chosen} onRunFinished={reloadRequests} />}
      <section id="new-request" aria-labelledby="new-request-title">
        <h2 id="new-request-title">New request</h2>
        {policy.status === 'loading' && <Loading what="the broker’s rules" />}
        {policy.status === 'failed' && <Failure error={policy.error} retry={reloadPolicy} />}
        {policy.status === 'loaded' && (
          <RequestForm
            api={api}
            policy={policy.value}
            onFiled={(title) => {
              setFiled(title);
              reloadRequests();
              document.getElementById('requests-title')?.scrollIntoView();
            }}
          />
        )}
      </section>
      <WebhookSection api={api} />
    </>
  );
}
