// Starting the real `offerops serve` CLI as a child process for the process-level tests:
// resolves once it prints the address it listens on, rejects if it exits first.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

const bin = path.resolve(import.meta.dirname, '../../bin/offerops.js');

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `offerops serve --port 0 ARGS` in `cwd` with only PATH and `env` set; the child is pushed onto `children` for cleanup. */
export function startServe(args: string[], options: { cwd: string; env?: Record<string, string>; children: ChildProcessWithoutNullStreams[] }): Promise<ServeProcess> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], { cwd: options.cwd, env: { PATH: process.env['PATH'] ?? '', ...options.env } });
  options.children.push(child);
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) resolve({ child, url: match[1]!, stderr: () => stderr, exited });
    });
    void exited.then(({ code }) => reject(new Error(`offerops serve exited with ${code} before listening:\n${stderr}`)));
  });
}
