// An input problem the optimizer core finds in data it was given (docs/optimization.md#running-it): it names
// the input, the row and the column, so the CLI can turn it into file:line:column.
import { UserError } from '../errors.js';

export class OptimizeInputError extends UserError {
  constructor(
    readonly input: 'proposed' | 'history' | 'audience' | 'policy' | 'prices',
    /** 0-based index of the row in that input; -1 when the problem is not about one row. */
    readonly rowIndex: number,
    readonly column: string | null,
    readonly detail: string,
  ) {
    super(rowIndex >= 0 ? `${input} row ${rowIndex + 1}${column ? `, column '${column}'` : ''}: ${detail}` : `${input}: ${detail}`, 2);
    this.name = 'OptimizeInputError';
  }
}
