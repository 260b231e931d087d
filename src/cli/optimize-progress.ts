// Progress of `offerops optimize` (docs/optimization.md#progress): the phases of a run
// (read, model, prices, repair, search, write, …) with how far each has got, the rows
// per second and an estimate of the time left, drawn as one updating line on a terminal
// or written as JSON lines (`--progress json`) for CI logs. The clock is a parameter so
// the figures can be tested.

export type ProgressMode = 'auto' | 'json' | 'none';

/** One progress event as `--progress json` writes it (one object a line on stderr). */
export interface ProgressEvent {
  phase: string;
  /** Units done in the phase and its total (0 when not known in advance, as while reading). */
  done: number;
  total: number;
  /** Proposed rows handled per second in this phase (rows × share of the phase done / seconds). */
  rowsPerSecond: number | null;
  /** Seconds left in this phase at the rate so far (null when the total is not known or nothing is done yet). */
  etaSeconds: number | null;
  /** Milliseconds since the phase started, and since the run started. */
  phaseMs: number;
  elapsedMs: number;
  /** True on a phase's last event. */
  end: boolean;
}

export interface ProgressSink {
  /** A phase's progress; `rows` is how many proposed rows the phase works through. */
  update: (phase: string, done: number, total: number, rows: number) => void;
  /** The run is over: ends the current phase (and the terminal line). */
  finish: () => void;
}

/** How often a terminal line or a JSON line is written for the same phase, at most. */
const INTERVAL_MS = 250;

export function createProgress(mode: ProgressMode, isTTY: boolean, write: (text: string) => void, now: () => number = () => performance.now()): ProgressSink {
  const draw = mode === 'json' ? 'json' : mode === 'auto' && isTTY ? 'line' : null;
  const started = now();
  let phase: string | null = null;
  let phaseStart = started;
  let lastWrite = -Infinity;
  let last: { done: number; total: number; rows: number } = { done: 0, total: 0, rows: 0 };

  const event = (end: boolean): ProgressEvent => {
    const t = now();
    const seconds = (t - phaseStart) / 1000;
    const share = last.total > 0 ? Math.min(1, last.done / last.total) : null;
    const handled = share === null ? last.done : share * last.rows;
    const rowsPerSecond = seconds > 0 && last.rows > 0 ? Math.round(handled / seconds) : null;
    const etaSeconds = end ? 0 : share !== null && share > 0 ? Math.round((seconds * (1 - share)) / share) : null;
    return { phase: phase!, done: last.done, total: last.total, rowsPerSecond, etaSeconds, phaseMs: Math.round(t - phaseStart), elapsedMs: Math.round(t - started), end };
  };

  const emit = (end: boolean): void => {
    if (draw === null || phase === null) return;
    const e = event(end);
    lastWrite = now();
    if (draw === 'json') write(JSON.stringify(e) + '\n');
    else write(`\r\x1b[K${renderLine(e)}${end ? '\n' : ''}`);
  };

  return {
    update: (name, done, total, rows) => {
      if (name !== phase) {
        if (phase !== null) emit(true);
        phase = name;
        phaseStart = now();
        last = { done, total, rows };
        emit(false);
        return;
      }
      last = { done, total, rows };
      if (now() - lastWrite >= INTERVAL_MS) emit(false);
    },
    finish: () => {
      if (phase !== null) emit(true);
      phase = null;
    },
  };
}

/** The terminal line of an event: `prices  [#####-----]  50%  1,234,567 rows/s  ETA 12s`. */
export function renderLine(e: ProgressEvent): string {
  const width = 20;
  const share = e.total > 0 ? Math.min(1, e.done / e.total) : null;
  const bar = share === null ? '' : `[${'#'.repeat(Math.round(share * width)).padEnd(width, '-')}] ${String(Math.round(share * 100)).padStart(3)}%  `;
  const count = share === null ? `${e.done.toLocaleString('en-US')} rows  ` : '';
  const rate = e.rowsPerSecond === null ? '' : `${e.rowsPerSecond.toLocaleString('en-US')} rows/s  `;
  const eta = e.end ? `done in ${formatSeconds(e.phaseMs / 1000)}` : e.etaSeconds === null ? '' : `ETA ${formatSeconds(e.etaSeconds)}`;
  return `${e.phase.padEnd(7)} ${bar}${count}${rate}${eta}`.trimEnd();
}

function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
