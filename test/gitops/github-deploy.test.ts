// Deploy and check on GitHub: each deploy also a GitHub Deployment with its statuses,
// each check a commit status on the commit the pinned bundle came from — against the
// GitHub-compatible test server and a real repository; git records stay the truth.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDemo, expectExit, type Demo } from './demo-repository.js';
import { GitHubServer } from './github-server.js';

const token = `ghp_${randomBytes(18).toString('hex')}`;
let demo: Demo;
let github: GitHubServer;

beforeEach(async () => {
  demo = await createDemo();
  github = await GitHubServer.start({ token });
});
afterEach(async () => {
  await github?.close();
  await demo?.cleanup();
});

describe('deploy and check on GitHub', () => {
  it('mirrors the deploy as a Deployment with statuses and the check as a commit status', async () => {
    expectExit(await demo.cli(['release', '--env', 'staging']), 0);
    const env = github.env({ GITHUB_SERVER_URL: 'https://github.test', GITHUB_RUN_ID: '77' });
    const deployed = expectExit(await demo.cli(['deploy', '--env', 'staging'], { env }), 0);
    const head = demo.git(['rev-parse', 'HEAD']);
    expect(github.deployments).toHaveLength(1);
    const deployment = github.deployments[0]!;
    expect(deployment).toMatchObject({ ref: head, environment: 'staging', production_environment: false });
    expect(deployment.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(deployment.statuses[1]!.log_url).toBe('https://github.test/acme/offers/actions/runs/77');
    const checked = expectExit(await demo.cli(['check', '--env', 'staging'], { env }), 0);
    const source = /commit: ([0-9a-f]{40})/.exec(await demo.read('environments/staging.yaml'))![1]!;
    expect(github.statuses).toEqual([expect.objectContaining({ sha: source, state: 'success', context: 'offerops/check/staging' })]);
    // The records in git are written all the same.
    expectExit(await demo.cli(['status', '--env', 'staging']), 0);
    for (const result of [deployed, checked]) expect(result.stdout + result.stderr).not.toContain(token);
  });

  it('stops before touching a target when GitHub cannot open the Deployment, and works without GitHub', async () => {
    expectExit(await demo.cli(['release', '--env', 'staging']), 0);
    github.fail('POST', /\/deployments$/, ...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 503 })));
    const failed = await demo.cli(['deploy', '--env', 'staging'], { env: github.env() });
    expect(failed.code).toBe(3);
    expect(failed.stderr).toContain('creating the deployment of staging on acme/offers failed');
    expect(failed.stderr).not.toContain('runs sha256');
    expect(github.callsTo('POST', /\/deployments$/)).toHaveLength(4);
    // Without GITHUB_TOKEN nothing is asked of GitHub and the deploy goes ahead.
    expectExit(await demo.cli(['deploy', '--env', 'staging']), 0);
    expect(github.deployments).toHaveLength(0);
  });
});
