// ACL and ACR edits that lose a race to another editor (412) start again from a fresh read, a bounded number of times.
import { describe, expect, it } from 'vitest';
import { PodError } from '../../src/errors.ts';
import { editUntilLanded } from '../../src/pod/resource-write.ts';

describe('an edit that loses races', () => {
  it('tries again until its conditional write lands', async () => {
    let tries = 0;
    await editUntilLanded('ACL', 'https://pod.example/a/', async () => ++tries === 3);
    expect(tries).toBe(3);
  });

  it('gives up after six lost races, naming the document', async () => {
    let tries = 0;
    const editing = editUntilLanded('ACR', 'https://pod.example/a/', async () => {
      tries++;
      return false;
    });
    await expect(editing).rejects.toBeInstanceOf(PodError);
    await expect(editing).rejects.toThrow('ACR of https://pod.example/a/ kept changing under us');
    expect(tries).toBe(6);
  });
});
