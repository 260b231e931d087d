// Types of scripts/mutate-targets.mjs, for the configs and tests that use it.
export interface MutateFolder {
  folder: string;
  tests: string[];
  exclude: string[];
}
export interface MutateRun {
  mutate: string[];
  tests: string[];
  exclude: string[];
  reportDirectory: string;
  incrementalFile: string;
}
export declare const targetVariable: string;
export declare const mutateFolders: MutateFolder[];
export declare const allFolders: MutateRun;
export declare class MutateTargetError extends Error {}
export declare function mutateTarget(argument: string | undefined, base?: string): (MutateRun & { folder: string }) | null;
