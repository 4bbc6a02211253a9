/**
 * What a script's (or a result transform's) return value becomes in the response: an object with an own
 * `data` key is the envelope itself (`success` defaults to true, `message` to null, other keys stay at the
 * top level, e.g. total/limit/offset); anything else becomes `data`.
 */
export interface Envelope {
  success: unknown;
  message: unknown;
  data: unknown;
  /** Top-level keys besides success/message/data. */
  extra: Record<string, unknown>;
}

export function envelopeOf(value: unknown): Envelope {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, 'data')) {
    const { success, message, data, ...extra } = value as Record<string, unknown>;
    return { success: success ?? true, message: message ?? null, data: data ?? null, extra };
  }
  return { success: true, message: null, data: value ?? null, extra: {} };
}

/** The response body, envelope keys first. */
export function envelopeBody(e: Envelope, data: unknown = e.data): Record<string, unknown> {
  return { success: e.success, message: e.message, data, ...e.extra };
}
