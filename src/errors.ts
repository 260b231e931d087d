// The two error classes that cross module lines (STYLE "Concrete habits").
// Everything about user input is a Problem; these are for aborting a command.

export type ExitCode = 0 | 1 | 2 | 3;

/** Something the user can fix: bad flags, unreadable input, an external system failing. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = 2,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UserError';
  }
}

/** A malformed value found by a stage (an unknown `--history` form): a usage error, exit 2. */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** An external system a stage depends on failed (a database, Redis): exit 3. */
export class ExternalSystemError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExternalSystemError';
  }
}

/** A bug in offerops: say so and ask for a report. */
export class InternalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}
