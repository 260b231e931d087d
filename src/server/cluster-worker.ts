// The entry point of a `serve --workers N` worker process (cluster.ts forks it): one
// server instance, started with the settings the primary sends.
import { runWorker } from './cluster.js';

await runWorker();
