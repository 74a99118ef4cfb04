// Consent records against hd:ConsentRecordShape, its status rules, hd:PermissionShape and hd:ConstraintShape.
import { describe, expect, it } from 'vitest';
import { assertValid, validateAgainstShapes } from '../../src/vocab/index.ts';
import { CONSENT, CONSENT_BASE, edit, REFUSAL } from './documents.ts';

const options = { baseIRI: CONSENT_BASE };

/** The property names of a document's failures. */
async function failedPaths(turtle: string): Promise<string[]> {
  const report = await validateAgainstShapes(turtle, options);
  return report.results.map((result) => result.path ?? '');
}

/** The given consent, withdrawn: status changed, nothing else. */
const WITHDRAWN = edit(
  CONSENT,
  'dpv:hasConsentStatus dpv:ConsentGiven',
  'dpv:hasConsentStatus dpv:ConsentWithdrawn',
);

describe('consent record shape', () => {
  it('accepts a given consent with its permission, purpose and expiry', async () => {
    expect((await validateAgainstShapes(CONSENT, options)).results).toEqual([]);
  });

  it('accepts a refusal without permission or expiry', async () => {
    expect((await validateAgainstShapes(REFUSAL, options)).results).toEqual([]);
  });

  it('rejects a withdrawn consent without its withdrawal time', async () => {
    expect(await failedPaths(WITHDRAWN)).toEqual(['hd:withdrawalTime']);
    await expect(assertValid(WITHDRAWN, options)).rejects.toThrow(/hd:withdrawalTime: a withdrawn consent/);
  });

  it('accepts a withdrawn consent with its withdrawal time', async () => {
    const dated = edit(
      WITHDRAWN,
      '  odrl:permission <#permission> .',
      '  hd:withdrawalTime "2024-03-01T12:00:00Z"^^xsd:dateTime ;\n  odrl:permission <#permission> .',
    );
    expect(await failedPaths(dated)).toEqual([]);
  });

  it('rejects a given consent without an expiry time', async () => {
    const open = edit(CONSENT, '  hd:expiryTime "2024-08-01T00:00:00Z"^^xsd:dateTime ;\n', '');
    expect(await failedPaths(open)).toEqual(['hd:expiryTime']);
  });

  it('rejects a given consent without a permission', async () => {
    const bare = edit(CONSENT, ' ;\n  odrl:permission <#permission> .', ' .');
    expect(await failedPaths(bare)).toEqual(['odrl:permission']);
  });

  it('rejects a status outside given, refused, withdrawn and expired', async () => {
    const requested = edit(CONSENT, 'dpv:ConsentGiven', 'dpv:ConsentRequested');
    expect(await failedPaths(requested)).toEqual(['dpv:hasConsentStatus']);
  });

  it('rejects a record that is not also an odrl:Agreement', async () => {
    expect(
      await failedPaths(edit(CONSENT, 'a dpv:ConsentRecord, odrl:Agreement', 'a dpv:ConsentRecord')),
    ).toEqual(['rdf:type']);
  });

  it('rejects a record without a purpose', async () => {
    const aimless = edit(CONSENT, '  dpv:hasPurpose <https://homedata.dev/purposes/damp-and-mould> ;\n', '');
    expect(await failedPaths(aimless)).toEqual(['dpv:hasPurpose']);
  });

  it('rejects a record without the resident as assigner', async () => {
    expect(await failedPaths(edit(CONSENT, '  odrl:assigner <', '  rdfs:seeAlso <'))).toEqual([
      'odrl:assigner',
    ]);
  });

  it('rejects a permission written as a blank node', async () => {
    const blank = edit(
      edit(CONSENT, 'odrl:permission <#permission>', 'odrl:permission _:permission'),
      '<#permission> a odrl:Permission',
      '_:permission a odrl:Permission',
    );
    expect(await failedPaths(blank)).toEqual(['odrl:permission']);
  });

  it('rejects a constraint written as a blank node', async () => {
    const blank = edit(
      edit(CONSENT, '<#purpose>, <#until>', '_:purpose, <#until>'),
      '<#purpose> a odrl:Constraint',
      '_:purpose a odrl:Constraint',
    );
    expect(await failedPaths(blank)).toEqual(['odrl:constraint']);
  });

  it('rejects an action other than read and aggregate', async () => {
    const sharing = edit(
      CONSENT,
      'odrl:action odrl:read, odrl:aggregate',
      'odrl:action odrl:read, odrl:distribute',
    );
    expect(await failedPaths(sharing)).toEqual(['odrl:action']);
  });

  it('rejects a permission without a target', async () => {
    const untargeted = edit(CONSENT, /odrl:target [^;]*;\n/.exec(CONSENT)?.[0] ?? 'missing', '');
    expect(await failedPaths(untargeted)).toEqual(['odrl:target']);
  });

  it('rejects a permission without the broker as assignee', async () => {
    expect(await failedPaths(edit(CONSENT, '  odrl:assignee <', '  rdfs:seeAlso <'))).toEqual([
      'odrl:assignee',
    ]);
  });

  it('rejects a permission without a purpose constraint', async () => {
    const unbound = edit(CONSENT, 'odrl:constraint <#purpose>, <#until>', 'odrl:constraint <#until>');
    const report = await validateAgainstShapes(unbound, options);
    expect(report.results).toEqual([
      expect.objectContaining({
        path: 'odrl:constraint',
        message: 'a permission needs a constraint on odrl:purpose',
      }),
    ]);
  });

  it('rejects a constraint on an operand other than purpose and dateTime', async () => {
    const spatial = edit(CONSENT, 'odrl:leftOperand odrl:purpose', 'odrl:leftOperand odrl:spatial');
    const paths = await failedPaths(spatial);
    expect(paths).toContain('odrl:leftOperand');
  });
});
