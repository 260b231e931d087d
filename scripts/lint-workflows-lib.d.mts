// Types of scripts/lint-workflows-lib.mjs, for the tests that use it.
export interface WorkflowFinding {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}
export declare const workflowDirectories: string[];
export declare function workflowFiles(): string[];
export declare function workflowLinter(): Promise<(text: string, file: string) => WorkflowFinding[]>;
export declare function lintWorkflows(): Promise<string[]>;
