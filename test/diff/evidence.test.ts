// The evidence marker is written and read back exactly, and anything else — no marker,
// two markers, broken or hostile JSON, wrong digests — is refused with the reason.
import { describe, expect, it } from 'vitest';
import { formatEvidenceMarker, isCurrentEvidence, parseEvidenceMarker } from '../../src/diff/evidence.js';

const digest = (c: string): string => `sha256:${c.repeat(64)}`;
const marker = { base: digest('a'), head: digest('b'), audience: digest('c'), version: '0.1.0' };

describe('evidence marker', () => {
  it('round-trips through a Markdown comment', () => {
    const text = `**verdict**\n${formatEvidenceMarker(marker)}\n\n## table\n`;
    expect(parseEvidenceMarker(text)).toEqual({ marker });
  });

  it('has the documented form', () => {
    expect(formatEvidenceMarker(marker)).toBe(`<!-- offerops:evidence {"base":"${digest('a')}","head":"${digest('b')}","audience":"${digest('c')}","version":"0.1.0"} -->`);
  });

  it('tells current evidence from stale', () => {
    expect(isCurrentEvidence(marker, { base: digest('a'), head: digest('b'), audience: digest('c') })).toBe(true);
    expect(isCurrentEvidence(marker, { base: digest('a'), head: digest('d'), audience: digest('c') })).toBe(false);
    expect(isCurrentEvidence(marker, { base: digest('a'), head: digest('b'), audience: digest('d') })).toBe(false);
  });

  it.each([
    ['no marker', 'just a comment', /no offerops:evidence marker/],
    ['two markers', `${formatEvidenceMarker(marker)}\n${formatEvidenceMarker(marker)}`, /more than one/],
    ['an unclosed marker', '<!-- offerops:evidence {"base":1}', /not closed/],
    ['broken JSON', '<!-- offerops:evidence {"base": -->', /not valid JSON/],
    ['an array', '<!-- offerops:evidence [1,2] -->', /JSON object/],
    ['a short digest', `<!-- offerops:evidence {"base":"sha256:abc","head":"${digest('b')}","audience":"${digest('c')}","version":"1"} -->`, /base must be sha256/],
    ['upper-case hex', `<!-- offerops:evidence {"base":"${digest('A')}","head":"${digest('b')}","audience":"${digest('c')}","version":"1"} -->`, /base must be sha256/],
    ['a missing audience', `<!-- offerops:evidence {"base":"${digest('a')}","head":"${digest('b')}","version":"1"} -->`, /audience must be sha256/],
    ['a version with markup', `<!-- offerops:evidence {"base":"${digest('a')}","head":"${digest('b')}","audience":"${digest('c')}","version":"<b>"} -->`, /version/],
    ['an oversized marker', `<!-- offerops:evidence {"x":"${'y'.repeat(5000)}"} -->`, /not closed/],
  ])('refuses %s', (_, text, reason) => {
    const parsed = parseEvidenceMarker(text);
    expect('error' in parsed && parsed.error).toMatch(reason);
  });

  it('ignores fields it does not know and keeps the four it does', () => {
    const text = `<!-- offerops:evidence {"base":"${digest('a')}","head":"${digest('b')}","audience":"${digest('c')}","version":"0.2.0","extra":true} -->`;
    expect(parseEvidenceMarker(text)).toEqual({ marker: { ...marker, version: '0.2.0' } });
  });
});
