// The body of a promotion or rollback pull request (docs/gitops.md#the-promotion-pull-request),
// built as a value: the evidence section first, then the source environment's runtime
// check of the digest, provenance, what was forced and why, and a checklist for
// approvers. A hidden marker at the end lets later steps tell which digests it is about.
import { formatInstant } from './freeze.js';
import type { CheckRecord } from './records.js';

export interface PromotionBodyInput {
  kind: 'promotion' | 'rollback';
  environment: string;
  /** The environment the candidate comes from (promotion), or null (rollback). */
  from: string | null;
  previousDigest: string | null;
  digest: string;
  /** Where the candidate was compiled from. */
  source: { commit?: string | undefined; ref?: string | undefined } | null;
  /** The commit the branch is based on. */
  baseCommit: string;
  baseBranch: string;
  evidence: string;
  check: CheckRecord | null;
  signedBy: string | null;
  forced: { reason: string; overridden: string[] } | null;
  /** Rollback: why, and the commit the earlier bundle was recovered from. */
  rollback: { reason: string; recoveredFrom: string } | null;
}

function checkSection(input: PromotionBodyInput): string[] {
  const lines = [`## Runtime check${input.from ? ` in ${input.from}` : ''}`, ''];
  const check = input.check;
  if (!check) {
    lines.push(input.kind === 'rollback' ? 'No runtime check is required for a rollback; check the environment after deploying it.' : `**No runtime check of ${input.digest} in ${input.from} is recorded.**`, '');
    return lines;
  }
  lines.push(`${check.passed ? '**Passed**' : '**FAILED**'} on ${formatInstant(new Date(check.at))} (decision day ${check.day}, by ${check.actor}).`, '');
  lines.push('| target | decisions | mismatches | p50 ms | p99 ms | req/s | result |', '|---|---:|---:|---:|---:|---:|---|');
  for (const t of check.targets) {
    lines.push(`| ${t.target} | ${t.decisions} | ${t.mismatches} | ${t.p50Ms ?? '–'} | ${t.p99Ms ?? '–'} | ${t.rps ?? '–'} | ${t.passed ? 'passed' : `failed: ${t.problems.join('; ')}`} |`);
  }
  const limits = [check.limits.maxP99Ms === null ? null : `p99 ≤ ${check.limits.maxP99Ms} ms`, check.limits.minRps === null ? null : `≥ ${check.limits.minRps} req/s`].filter(Boolean);
  lines.push('', `Limits: ${limits.length > 0 ? limits.join(', ') : 'none declared'}.`, '');
  return lines;
}

export function renderPromotionBody(input: PromotionBodyInput): string {
  const lines: string[] = [];
  if (input.kind === 'promotion') {
    lines.push(`Promotes **${input.from}**'s bundle into **${input.environment}**: \`${input.previousDigest ?? 'nothing'}\` → \`${input.digest}\`, copied byte for byte.`, '');
  } else {
    lines.push(`Rolls **${input.environment}** back: \`${input.previousDigest ?? 'nothing'}\` → \`${input.digest}\`, and pauses promotions into it.`, '', `Reason: ${input.rollback?.reason ?? ''}`, '');
  }
  if (input.forced) {
    lines.push(`> **Forced** past ${input.forced.overridden.join('; ')}.`, `> Reason given: ${input.forced.reason}`, '');
  }
  lines.push(input.evidence.trimEnd(), '');
  lines.push(...checkSection(input));
  lines.push('## Provenance', '');
  lines.push(`- candidate: \`${input.digest}\`${input.signedBy ? ` (signed by \`${input.signedBy}\`)` : ' (unsigned)'}`);
  lines.push(`- ${input.environment} now: \`${input.previousDigest ?? 'nothing pinned'}\``);
  if (input.source?.commit) lines.push(`- compiled from commit \`${input.source.commit}\`${input.source.ref ? ` (${input.source.ref})` : ''}`);
  if (input.rollback) lines.push(`- recovered from commit \`${input.rollback.recoveredFrom}\``);
  lines.push(`- based on ${input.baseBranch} at \`${input.baseCommit}\``, '');
  lines.push('## Checklist for approvers', '');
  if (input.kind === 'promotion') {
    lines.push(
      `- [ ] The simulation evidence (or, without it, the change since \`${(input.previousDigest ?? 'nothing').slice(0, 19)}\`) is what was intended`,
      `- [ ] ${input.from}'s runtime check of this digest passed, within the declared limits`,
      `- [ ] No freeze window or pause applies${input.forced ? ', or the forced reason above is accepted' : ''}`,
      `- [ ] After merging: \`offerops deploy --env ${input.environment}\`, then \`offerops check --env ${input.environment}\``,
    );
  } else {
    lines.push(
      `- [ ] \`${input.digest.slice(0, 19)}\` is the bundle to go back to`,
      `- [ ] After merging: \`offerops deploy --env ${input.environment}\`, then \`offerops check --env ${input.environment}\``,
      `- [ ] Promotions into ${input.environment} stay paused until \`spec.paused\` is removed from its file`,
    );
  }
  const marker = { kind: input.kind, environment: input.environment, base: input.previousDigest, head: input.digest };
  lines.push('', `<!-- offerops:${input.kind} ${JSON.stringify(marker)} -->`, '');
  return lines.join('\n');
}
