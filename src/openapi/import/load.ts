/** Reads a spec's text: JSON when it looks like JSON (or the file is `.json`), YAML otherwise. */
import { parseDocument } from 'yaml';
import { SpecValidationError } from './problems.ts';

/** YAML aliases expanded at most this often: a guard against "billion laughs" documents. */
const MAX_ALIAS_COUNT = 1000;

function fail(message: string): never {
  throw new SpecValidationError([{ path: '', message }]);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    return fail(`not valid JSON: ${(err as Error).message}`);
  }
}

function parseYaml(text: string): unknown {
  // YAML 1.2 core schema (the default): `yes`/`on` stay strings, dates stay strings, duplicate keys are errors.
  // `<<` merge keys are honoured: specs use them to share property definitions.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, merge: true });
  const first = doc.errors[0];
  if (first) fail(`not valid YAML: ${first.message.split('\n')[0] ?? first.message}`);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (err) {
    return fail(`not valid YAML: ${(err as Error).message}`);
  }
}

/**
 * Parses a spec from text. `filename` only picks the format (`.json` → JSON; `.yaml`/`.yml` → YAML; otherwise
 * by the first character). Throws SpecValidationError when the text is empty, unparsable or not an object.
 * Async so that a later version may resolve external `$ref`s relative to the file.
 */
export async function loadSpecText(text: string, filename?: string): Promise<unknown> {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') fail('the document is empty');
  const ext = filename?.toLowerCase().match(/\.(json|ya?ml)$/)?.[1];
  const json = ext === 'json' || (ext === undefined && (trimmed.startsWith('{') || trimmed.startsWith('[')));
  const doc = json ? parseJson(trimmed) : parseYaml(trimmed);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) fail('the document must be an object (an OpenAPI document)');
  return doc;
}
