// Test helpers that create fresh identities on the shared test pod server and log them in.
import { randomUUID } from 'node:crypto';
import { AccountApi, type Identity } from '../../src/pod/account-api.ts';
import { loginWithClientCredentials, type SolidAgent } from '../../src/pod/solid-session.ts';

/** A logged-in identity with its own pod. */
export interface TestActor {
  identity: Identity;
  agent: SolidAgent;
}

/** Creates an account, pod and client credentials with a unique name, and logs it in. */
export async function createActor(server: string, role: string): Promise<TestActor> {
  const name = `${role}-${randomUUID().slice(0, 8)}`;
  const identity = await new AccountApi(server).provision({
    email: `${name}@test.example`,
    password: `pw-${name}-secret`,
    podName: name,
  });
  const agent = await loginWithClientCredentials(identity);
  return { identity, agent };
}
