// The error every pod document format throws when a document does not say what its format needs.
import { ValidationError } from '../../errors.ts';

/**
 * A pod document that does not hold a well-formed record of its format. Names the format and each way the
 * document falls short, never the document's URL or values: a pod URL names a resident, and errors reach logs.
 */
export class DocumentFormatError extends ValidationError {
  declare readonly context: { format: string; problems: string[] };

  constructor(format: string, problems: string[]) {
    super(`The ${format} is not usable: ${problems.join('; ')}`, { format, problems });
  }
}
