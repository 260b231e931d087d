// The evidence marker: a hidden HTML comment in the Markdown evidence naming exactly what
// was compared — both bundle digests, the audience digest and the offerops version — so a
// later step (promotion, CI) can parse it back and refuse evidence that no longer matches
// the bundles it is about (docs/simulation-and-diff.md#evidence-marker).
//   <!-- offerops:evidence {"base":"sha256:…","head":"sha256:…","audience":"sha256:…","version":"0.2.0"} -->

export interface EvidenceMarker {
  base: string;
  head: string;
  audience: string;
  version: string;
}

const PREFIX = '<!-- offerops:evidence ';
const SUFFIX = ' -->';
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const VERSION = /^[0-9A-Za-z.+-]{1,64}$/;
/** A marker is a few hundred characters; anything longer is not one of ours. */
const MAX_MARKER_JSON = 1024;

export function formatEvidenceMarker(marker: EvidenceMarker): string {
  // Keys in a fixed order, so the marker of the same evidence is the same text.
  const json = JSON.stringify({ base: marker.base, head: marker.head, audience: marker.audience, version: marker.version });
  return `${PREFIX}${json}${SUFFIX}`;
}

export type EvidenceParse = { marker: EvidenceMarker } | { error: string };

/**
 * Finds the evidence marker in a text (a PR comment, a Markdown file) and checks it:
 * exactly one marker, valid JSON with the four fields, digests as `sha256:` + 64 hex.
 */
export function parseEvidenceMarker(text: string): EvidenceParse {
  const first = text.indexOf(PREFIX);
  if (first < 0) return { error: 'no offerops:evidence marker found' };
  if (text.indexOf(PREFIX, first + PREFIX.length) >= 0) return { error: 'more than one offerops:evidence marker: the evidence is ambiguous' };
  const start = first + PREFIX.length;
  const end = text.indexOf(SUFFIX, start);
  if (end < 0 || end - start > MAX_MARKER_JSON) return { error: 'the offerops:evidence marker is not closed with -->' };
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end));
  } catch (error) {
    return { error: `the offerops:evidence marker is not valid JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'the offerops:evidence marker must hold a JSON object' };
  const record = value as Record<string, unknown>;
  for (const field of ['base', 'head', 'audience'] as const) {
    const digest = record[field];
    if (typeof digest !== 'string' || !DIGEST.test(digest)) return { error: `the offerops:evidence marker's ${field} must be sha256: followed by 64 lowercase hex digits` };
  }
  const version = record['version'];
  if (typeof version !== 'string' || !VERSION.test(version)) return { error: "the offerops:evidence marker's version must be a version string" };
  return { marker: { base: record['base'] as string, head: record['head'] as string, audience: record['audience'] as string, version } };
}

/** Whether a marker is evidence for exactly these bundles and audience (the version is not compared). */
export function isCurrentEvidence(marker: EvidenceMarker, expected: Pick<EvidenceMarker, 'base' | 'head' | 'audience'>): boolean {
  return marker.base === expected.base && marker.head === expected.head && marker.audience === expected.audience;
}
