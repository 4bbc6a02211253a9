/**
 * The error the script host services (http, cache, extra modules) throw. The script engine turns it into a
 * catchable error inside the isolate (and, when uncaught, into a 4xx/5xx with this `code`); the message is
 * short and never carries a stack or driver text.
 */
export class ScriptServiceError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'ScriptServiceError';
    this.code = code;
  }
}
