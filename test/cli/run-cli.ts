// Drives the CLI in-process through `run(argv, io)`, capturing both streams.
import { run } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], options: { cwd: string; env?: Record<string, string | undefined>; now?: () => Date }): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    cwd: options.cwd,
    env: options.env ?? {},
    isTTY: false,
    ...(options.now ? { now: options.now } : {}),
  });
  return { code, stdout, stderr };
}
