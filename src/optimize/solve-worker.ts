// The second solver thread of SolvePool (solve-pool.ts).
import { workerData } from 'node:worker_threads';
import { serveSolveJobs, type SolveWorkerData } from './solve-pool.js';

serveSolveJobs(workerData as SolveWorkerData);
