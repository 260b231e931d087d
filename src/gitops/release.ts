// `release --env staging` as a plan (docs/gitops.md#release): the config at HEAD,
// compiled, becomes the environment's bundle file and pin, in one commit on the current
// branch, pushed as a fast-forward, then the checked-out branch follows. Pure: the
// repository state (compiled bundle included) comes in, a PlanOutcome goes out.
import type { KeyObject } from 'node:crypto';
import { formatBundle } from '../bundle/index.js';
import { publicKeyId, signBundle } from '../bundle/index.js';
import type { Bundle } from '../bundle/index.js';
import { defaultBundlePath, withPin, type Environment } from './environment.js';
import { short, type PlanOutcome, type PlanStep } from './plan.js';

export const SIGNING_KEY_VARIABLE = 'OFFEROPS_SIGNING_KEY';

export interface ReleaseState {
  environment: Environment;
  head: { commit: string; branch: string | null };
  /** The remote and its copy of the branch (null tip: the branch is new there); null without a remote. */
  remote: { name: string; tip: string | null; headContainsTip: boolean } | null;
  /** Uncommitted changes under config/ and environments/. */
  dirty: string[];
  /** The config at HEAD, compiled (null when it has errors: the CLI prints them). */
  bundle: Bundle | null;
  /** The file the pin names, as it is at HEAD (null when absent). */
  pinnedText: string | null;
  /** The key from OFFEROPS_SIGNING_KEY, when --sign (null: not set). */
  signingKey: KeyObject | null;
  actor: string;
  now: Date;
}

export interface ReleaseOptions {
  sign: boolean;
  allowDirty: boolean;
}

export function planRelease(state: ReleaseState, options: ReleaseOptions): PlanOutcome {
  const { environment, head } = state;
  const name = environment.name;
  const from = environment.spec.promotion?.from;
  if (from !== undefined) {
    return { kind: 'refused', exitCode: 2, message: `${name} is promoted into from ${from}, not released: offerops promote --from ${from} --to ${name}` };
  }
  if (head.branch === null) return { kind: 'refused', exitCode: 2, message: 'HEAD is detached: check out the branch to release from (e.g. git switch main)' };
  const bundlePath = environment.spec.bundle?.path ?? defaultBundlePath(name);
  const ownFiles = [environment.file, bundlePath];
  const ownDirty = state.dirty.filter((file) => ownFiles.includes(file));
  if (ownDirty.length > 0) return { kind: 'refused', exitCode: 2, message: `release writes ${ownDirty.join(' and ')}, which ha${ownDirty.length === 1 ? 's' : 've'} uncommitted changes: commit or discard them first` };
  if (state.dirty.length > 0 && !options.allowDirty) {
    const listed = state.dirty.slice(0, 5).join(', ') + (state.dirty.length > 5 ? `, and ${state.dirty.length - 5} more` : '');
    return { kind: 'refused', exitCode: 2, message: `uncommitted changes in config/ or environments/ (${listed}): release compiles HEAD, so commit them first, or pass --allow-dirty to release HEAD without them` };
  }
  if (state.remote && state.remote.tip !== null && !state.remote.headContainsTip) {
    return { kind: 'refused', exitCode: 2, message: `${state.remote.name}/${head.branch} has commits that HEAD does not: pull (or rebase) first, then release` };
  }
  if (!state.bundle) return { kind: 'refused', exitCode: 1, message: `config/ at ${head.commit.slice(0, 12)} has errors; no bundle released` };

  const signing = environment.spec.signing;
  const notes: string[] = [];
  let bundle = state.bundle;
  if (options.sign) {
    if (!state.signingKey) return { kind: 'refused', exitCode: 2, message: `--sign needs the private key in the ${SIGNING_KEY_VARIABLE} variable (docs/gitops.md#signing)` };
    const keyId = publicKeyId(state.signingKey);
    if (signing && signing.publicKey !== keyId) {
      return { kind: 'refused', exitCode: 2, message: `the key in ${SIGNING_KEY_VARIABLE} is ${keyId}, but ${environment.file} trusts ${signing.publicKey}` };
    }
    bundle = signBundle(bundle, state.signingKey);
    notes.push(`signed by ${keyId}`);
  } else if (signing?.required) {
    return { kind: 'refused', exitCode: 2, message: `${name} requires signed bundles (signing.required): release --sign with the key in ${SIGNING_KEY_VARIABLE}` };
  }

  const text = formatBundle(bundle);
  const previous = environment.spec.bundle?.digest ?? null;
  if (previous === bundle.digest && state.pinnedText === text) {
    return { kind: 'nothing', message: `${name} already pins ${bundle.digest}: the config at ${head.commit.slice(0, 12)} compiles to the bundle it has` };
  }
  const pin = { digest: bundle.digest, path: bundlePath, source: { commit: head.commit, ref: head.branch } };
  const steps: PlanStep[] = [
    {
      kind: 'commit',
      branch: head.branch,
      parent: head.commit,
      message: `release(${name}): ${short(bundle.digest)} from ${head.commit.slice(0, 12)}\n\nCompiled config/ at ${head.commit} (${head.branch}) into ${bundlePath} and pinned it in ${environment.file}.`,
      files: [
        { path: bundlePath, content: text, what: `${name}'s bundle ${short(bundle.digest)}` },
        { path: environment.file, content: withPin(environment, pin), what: `${name}'s pin → ${short(bundle.digest)}` },
      ],
    },
  ];
  if (state.remote) steps.push({ kind: 'push', remote: state.remote.name, branch: head.branch, lease: { kind: 'fast-forward', expect: state.remote.tip } });
  else notes.push('no remote: the release is committed locally only');
  steps.push({ kind: 'fast-forward', branch: head.branch });
  steps.push({
    kind: 'record',
    draft: { kind: 'release', environment: name, digest: bundle.digest, at: state.now.toISOString(), actor: state.actor, previousDigest: previous, source: { commit: head.commit, ref: head.branch }, signed: bundle.signature !== undefined },
  });
  if (previous === bundle.digest) notes.push('same digest as before; the bundle file changes (its signature)');
  return { kind: 'plan', plan: { command: 'release', environment: name, summary: `${short(previous)} → ${short(bundle.digest)} from ${head.commit.slice(0, 12)} (${head.branch})`, notes, steps } };
}
