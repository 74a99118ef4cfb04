// The browser SHA-256 stand-in gives Node's digests, so ACL entries written from the resident page match the CLI's.
import { createHash as nodeCreateHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHash } from '../../src/web/shims/node-crypto.ts';

describe('browser createHash', () => {
  it('matches node:crypto sha256 for empty, short, multi-block and non-ASCII input', () => {
    const inputs = [
      '',
      'abc',
      'http://localhost:3000/resident-01/profile/card#me',
      'x'.repeat(55),
      'y'.repeat(64),
      'é€😀'.repeat(40),
    ];
    for (const input of inputs) {
      expect(createHash('sha256').update(input).digest('hex')).toBe(
        nodeCreateHash('sha256').update(input).digest('hex'),
      );
    }
  });

  it('hashes several updates as one message', () => {
    expect(createHash('sha256').update('ab').update('c').digest('hex')).toBe(
      nodeCreateHash('sha256').update('abc').digest('hex'),
    );
  });

  it('refuses other algorithms rather than giving a wrong digest', () => {
    expect(() => createHash('md5')).toThrow(/sha256/);
  });
});
