// `deploy --env NAME` as a plan (docs/gitops.md#deploy): the pinned file must hold the
// pinned digest (and a valid signature when the environment requires one), every target
// must be ready (its token set); then apply puts the bundle on every target, all or
// none: a failure on one target puts the earlier ones back on what they ran.
import { parseBundle } from '../bundle/index.js';
import { checkSignature } from '../bundle/index.js';
import type { Bundle } from '../bundle/index.js';
import type { Environment } from './environment.js';
import { short, type PlanOutcome } from './plan.js';
import { targetOf, type TargetContext, type TargetRegistry } from './targets/target.js';

export interface DeployState {
  environment: Environment;
  /** The file the pin names, from the work tree (null when absent). */
  pinnedText: string | null;
  /** The commit checked out. */
  commit: string;
}

export type PinnedBundle = { ok: true; bundle: Bundle; text: string } | { ok: false; message: string };

/** The pinned bundle, verified: present, its digest the pin's, signed when required (and, when signed, by the trusted key). */
export function verifiedPinnedBundle(environment: Environment, text: string | null): PinnedBundle {
  const pin = environment.spec.bundle;
  if (!pin) return { ok: false, message: `${environment.name} has no pinned bundle (${environment.file} has no spec.bundle)${environment.spec.promotion ? `: promote into it first` : `: release it first (offerops release --env ${environment.name})`}` };
  if (text === null) return { ok: false, message: `${environment.name} pins ${pin.path}, which does not exist` };
  let bundle: Bundle;
  try {
    bundle = parseBundle(text, pin.path);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  if (bundle.digest !== pin.digest) return { ok: false, message: `${environment.file} pins ${pin.digest} but ${pin.path} holds ${bundle.digest}` };
  const signing = environment.spec.signing;
  if (signing && (signing.required || bundle.signature)) {
    const signature = checkSignature(bundle, signing.publicKey);
    if (!signature.ok && (signing.required || bundle.signature?.keyId === signing.publicKey)) {
      return { ok: false, message: `${pin.path}: ${signature.reason}${signing.required ? ` (${environment.name} requires signed bundles)` : ''}` };
    }
  }
  return { ok: true, bundle, text };
}

export function planDeploy(state: DeployState, registry: TargetRegistry, context: TargetContext): PlanOutcome {
  const { environment } = state;
  const pinned = verifiedPinnedBundle(environment, state.pinnedText);
  if (!pinned.ok) return { kind: 'refused', exitCode: 1, message: `not deploying: ${pinned.message}` };
  if (environment.targets.length === 0) return { kind: 'refused', exitCode: 2, message: `${environment.name} has no targets (spec.targets in ${environment.file})` };
  const unready = environment.targets.map((target) => targetOf(registry, target).preflight(target, context)).filter((p): p is string => p !== null);
  if (unready.length > 0) return { kind: 'refused', exitCode: 2, message: `not deploying: ${unready.join('; ')}` };
  const digest = pinned.bundle.digest;
  return {
    kind: 'plan',
    plan: {
      command: 'deploy',
      environment: environment.name,
      summary: `${short(digest)} to ${environment.targets.length} target(s)`,
      notes: pinned.bundle.signature ? [`signed by ${pinned.bundle.signature.keyId}`] : [],
      steps: [
        { kind: 'deploy', environment: environment.name, digest, bundleFile: environment.spec.bundle!.path, targets: environment.targets },
        { kind: 'record', draft: { kind: 'deployment', environment: environment.name, digest, commit: state.commit } },
      ],
    },
  };
}
