/**
 * Import problems: every mistake found in a spec, each with the JSON path of the offending node, collected
 * while the whole document is read and thrown together once (nothing is half-imported).
 */
import { AppError } from '../../errors.ts';

export interface ImportProblem {
  /** JSON path of the node, e.g. `components.schemas.album.properties.artist_id`; '' for the document. */
  path: string;
  message: string;
}

/** A path as segments: property names and array indexes. */
export type PathSegments = readonly (string | number)[];

const PLAIN_SEGMENT = /^[^.[\]"\s]+$/;

/** `['paths', '/album/{id}', 'get', 'parameters', 0]` → `paths./album/{id}.get.parameters[0]`. */
export function jsonPath(segments: PathSegments): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_SEGMENT.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** How many problems the error message spells out; `details` always has all of them. */
const MESSAGE_PROBLEMS = 5;

export class SpecValidationError extends AppError {
  readonly problems: ImportProblem[];

  constructor(problems: ImportProblem[]) {
    const shown = problems.slice(0, MESSAGE_PROBLEMS).map((p) => `${p.path || '(document)'}: ${p.message}`);
    const more = problems.length > MESSAGE_PROBLEMS ? `; … and ${problems.length - MESSAGE_PROBLEMS} more` : '';
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(400, 'invalid_spec', `Invalid spec (${count}): ${shown.join('; ')}${more}`, problems);
    this.name = 'SpecValidationError';
    this.problems = problems;
  }
}

/** Collects problems in the order they are found. */
export class Problems {
  readonly list: ImportProblem[] = [];

  add(path: PathSegments, message: string): void {
    this.list.push({ path: jsonPath(path), message });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new SpecValidationError(this.list);
  }
}
