// Attacks by a council on the disclosure rules, pure: complementary and overlapping releases, counts, medians, k.
import { describe, expect } from 'vitest';
import { parseBrokerConfig } from '../../src/broker/config.ts';
import { consentProgress } from '../../src/broker/requests/request-view.ts';
import { ConfigError } from '../../src/errors.ts';
import { MIN_COHORT_FLOOR, releaseCell } from '../../src/privacy/index.ts';
import { attack } from './attack.ts';

const COUNCIL = 'council';

describe('a council attacking the disclosure rules', () => {
  attack(
    {
      id: 'M4',
      attacker: COUNCIL,
      tried: 'poll the exact consent count to see one named resident join',
      expected: 'counts are "fewer than k" or rounded to 5',
    },
    () => {
      expect(consentProgress(9, 10).count).toBeNull();
      // 21 → 22 is one resident joining: the council sees the same figure before and after.
      expect(consentProgress(22, 10).count).toBe(consentProgress(21, 10).count);
      expect(consentProgress(21, 10).count! % 5).toBe(0);
    },
  );

  attack(
    {
      id: 'M4',
      attacker: COUNCIL,
      tried: "read one home's value as the median of an odd cohort without DP",
      expected: 'no median is released without differential privacy',
    },
    () => {
      const values = [5, 1, 4, 2, 3, 9, 8, 7, 6, 10, 11];
      expect(releaseCell({ values, k: 10, additive: false }).median).toBeNull();
    },
  );

  attack(
    {
      id: 'H3',
      attacker: COUNCIL,
      tried: 'have the operator configure kFloor below 10',
      expected: 'the broker refuses such a configuration',
    },
    () => {
      const base = {
        issuer: 'http://localhost:1/',
        webId: 'http://localhost:1/broker/profile/card#me',
        clientId: 'id',
        clientSecret: 'secret',
      };
      expect(() => parseBrokerConfig({ ...base, kFloor: 5 })).toThrow(ConfigError);
      expect(parseBrokerConfig(base).kFloor).toBe(MIN_COHORT_FLOOR);
    },
  );
});
