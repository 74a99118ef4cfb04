// The pod URL a resident names: normalised, a plain container, nothing that could break out of an IRI (issue 11, L3).
import { describe, expect, it } from 'vitest';
import { consentNoticeSchema } from '../../src/broker/contract.ts';
import { isStorageRoot } from '../../src/pod/resource-read.ts';

const parse = (pod: unknown) => consentNoticeSchema.safeParse({ pod });

describe('consent notice pod', () => {
  it('is normalised to one spelling', () => {
    expect(parse('HTTP://LocalHost:3000/alice/').data?.pod).toBe('http://localhost:3000/alice/');
    expect(parse('http://localhost:3000/a/./b/../').data?.pod).toBe('http://localhost:3000/a/');
  });

  it.each([
    ['a ">"', 'http://localhost:3000/a>b/'],
    ['a "<"', 'http://localhost:3000/a<b/'],
    ['a space', 'http://localhost:3000/a b/'],
    ['a newline', 'http://localhost:3000/a\nb/'],
    ['a tab', 'http://localhost:3000/a\tb/'],
    ['a quote', 'http://localhost:3000/a"b/'],
    ['braces', 'http://localhost:3000/a{b}/'],
    ['a pipe', 'http://localhost:3000/a|b/'],
    ['a caret', 'http://localhost:3000/a^b/'],
    ['a backtick', 'http://localhost:3000/a`b/'],
    ['a backslash', 'http://localhost:3000/a\\b/'],
    ['a query', 'http://localhost:3000/a/?x'],
    ['an empty query', 'http://localhost:3000/a/?'],
    ['a fragment', 'http://localhost:3000/a/#x'],
    ['a user name', 'http://user@localhost:3000/a/'],
    ['no trailing slash', 'http://localhost:3000/a'],
    ['another scheme', 'ftp://localhost:3000/a/'],
  ])('refuses %s', (_name, pod) => {
    expect(parse(pod).success).toBe(false);
  });
});

describe('isStorageRoot', () => {
  it('reads rel="type" pim:Storage among other links', () => {
    expect(
      isStorageRoot(
        '<http://www.w3.org/ns/ldp#Container>; rel="type", <http://www.w3.org/ns/pim/space#Storage>; rel="type", <.acl>; rel="acl"',
      ),
    ).toBe(true);
    expect(isStorageRoot('<http://www.w3.org/ns/pim/space#Storage>; rel="describedby"')).toBe(false);
    expect(isStorageRoot('<http://www.w3.org/ns/ldp#Container>; rel="type"')).toBe(false);
    expect(isStorageRoot(null)).toBe(false);
  });
});
