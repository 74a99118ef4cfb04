// Plain words for the DPV purposes a council may name.
import { DPV } from '../../vocab/browser.ts';

/** What each allowed purpose means, said as the end of "… wants your data to …". */
const PURPOSE_WORDS: Readonly<Record<string, string>> = {
  [DPV('ImprovePublicServices')]: 'improve public services',
  [DPV('PublicPolicyMaking')]: 'make public policy',
  [DPV('ProvideOfficialStatistics')]: 'produce official statistics',
};

/** A purpose in plain words; an unknown purpose IRI shows its last segment, split into words. */
export function purposeWords(iri: string): string {
  const known = PURPOSE_WORDS[iri];
  if (known) return known;
  const local = iri.split(/[#/]/).pop() ?? iri;
  return local.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** A purpose as a label starting with a capital letter, for lists and select options. */
export function purposeLabel(iri: string): string {
  const words = purposeWords(iri);
  return words.charAt(0).toUpperCase() + words.slice(1);
}
