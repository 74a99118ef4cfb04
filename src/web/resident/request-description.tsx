// A council request in plain words: who asks, why, for which figures, where, when, and what they never see.
import type { PublicRequest } from '../../broker/contract.ts';
import { describeRequest } from './request-words.ts';

/** The request's facts as a definition list. */
export function RequestDescription({
  request,
  homeArea,
}: {
  request: PublicRequest;
  homeArea: string | null;
}) {
  const words = describeRequest(request, homeArea);
  return (
    <>
      <p>
        <strong>{words.headline}</strong>
      </p>
      <p class="council-words">In their words: “{request.description}”</p>
      <dl class="facts">
        <dt>Figures asked for</dt>
        <dd>
          <ul>
            {words.figures.map((figure) => (
              <li key={figure}>{figure}</li>
            ))}
          </ul>
          {words.source}
        </dd>
        <dt>Where</dt>
        <dd>{words.areas}</dd>
        <dt>Period</dt>
        <dd>{words.period}</dd>
        <dt>Until when</dt>
        <dd>{words.until}</dd>
        <dt>Group size</dt>
        <dd>
          {words.minimumGroup}
          {words.noise && ` ${words.noise}`}
        </dd>
        <dt>They will not see</dt>
        <dd>
          <ul>
            {words.notSeen.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        </dd>
      </dl>
    </>
  );
}
