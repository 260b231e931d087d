// Records: file names that sort and never collide, junk skipped, and the questions
// promote and status ask of them.
import { describe, expect, it } from 'vitest';
import { formatRecord, latestCheck, parseRecord, recordPath, runningSince, type CheckRecord, type DeploymentRecord } from '../../src/gitops/records.js';
import { digestA, digestB } from './environment-files.js';

const deployment = (digest: string, at: string, ok = true): DeploymentRecord => ({ kind: 'deployment', environment: 'staging', digest, at, actor: 'ci', ok, commit: 'c', targets: [] });
const check = (digest: string, at: string, passed: boolean): CheckRecord => ({ kind: 'check', environment: 'staging', digest, at, actor: 'ci', passed, day: at.slice(0, 10), limits: { maxP99Ms: null, minRps: null }, targets: [] });

describe('records', () => {
  it('are named by environment, instant, kind and digest, and two records never share a name', () => {
    const a = deployment(digestA, '2026-11-28T10:00:00.000Z');
    expect(recordPath(a)).toMatch(/^records\/staging\/20261128T100000Z-deployment-aaaaaaaaaaaa-[0-9a-f]{10}\.json$/);
    expect(recordPath({ ...a, actor: 'someone else' })).not.toBe(recordPath(a));
    expect(parseRecord(formatRecord(a))).toEqual(a);
  });

  it('skips files that are not records', () => {
    expect(parseRecord('not json')).toBeNull();
    expect(parseRecord('{"kind":"party","environment":"x","digest":"y","at":"z"}')).toBeNull();
    expect(parseRecord('[]')).toBeNull();
  });

  it('gives the newest check of a digest, passing or not', () => {
    const records = [check(digestA, '2026-11-28T10:00:00Z', true), check(digestA, '2026-11-28T11:00:00Z', false), check(digestB, '2026-11-28T12:00:00Z', true)];
    expect(latestCheck(records, 'staging', digestA)?.passed).toBe(false);
    expect(latestCheck(records, 'staging', digestB)?.passed).toBe(true);
    expect(latestCheck(records, 'production', digestA)).toBeNull();
  });

  it('dates a run of the same digest from its first deployment, restarted by any other digest', () => {
    const records = [deployment(digestA, '2026-11-01T00:00:00Z'), deployment(digestB, '2026-11-02T00:00:00Z'), deployment(digestB, '2026-11-03T00:00:00Z'), deployment(digestB, '2026-11-04T00:00:00Z', false)];
    expect(runningSince(records, 'staging', digestB)?.toISOString()).toBe('2026-11-02T00:00:00.000Z');
    expect(runningSince(records, 'staging', digestA)).toBeNull();
    expect(runningSince([...records, deployment(digestA, '2026-11-05T00:00:00Z'), deployment(digestB, '2026-11-06T00:00:00Z')], 'staging', digestB)?.toISOString()).toBe('2026-11-06T00:00:00.000Z');
  });
});
