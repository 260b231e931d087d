// Runs once before any test file: the tests that start real processes (bin/offerops.js,
// cluster workers) run dist/, so it is rebuilt here when a source file is newer. Doing it
// once, before the workers start, keeps two test files from rebuilding dist/ at the same
// time (and one from reading a half-written build), and keeps the build's time out of
// their hooks' timeouts on a busy machine.
import { ensureFreshDist } from './server/fresh-dist.js';

export default function setup(): void {
  ensureFreshDist();
}
