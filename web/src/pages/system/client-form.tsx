/**
 * The fields of a gateway client shared by the create dialog and the client page's settings tab: name,
 * description, limits (rate per minute, concurrency; empty = the gateway default) and token lifetime.
 */
import type { FieldErrors } from '../../api/errors';
import { FormField } from '../../components/ui/form-field';
import { Input } from '../../components/ui/input';
import { Textarea } from '../../components/ui/textarea';

export interface ClientDraft {
  name: string;
  description: string;
  rate_limit_per_minute: string;
  max_concurrent: string;
  token_expire_seconds: string;
}

export const CLIENT_FIELDS = ['name', 'description', 'rate_limit_per_minute', 'max_concurrent', 'token_expire_seconds', 'client_id'] as const;

/** Checks the draft; returns messages per field (empty = fine). */
export function validateClient(d: ClientDraft, withExpiry: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (!d.name.trim()) errors.name = 'Give the client a name';
  const int = (key: keyof ClientDraft, label: string, min: number, max: number) => {
    const v = d[key].trim();
    if (v === '') return;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) errors[key] = `${label} must be a whole number from ${min} to ${max.toLocaleString()}`;
  };
  int('rate_limit_per_minute', 'Rate limit', 1, 1_000_000);
  int('max_concurrent', 'Max concurrent', 1, 100_000);
  if (withExpiry) {
    if (d.token_expire_seconds.trim() === '') errors.token_expire_seconds = 'Token lifetime is required';
    else int('token_expire_seconds', 'Token lifetime', 60, 86_400);
  }
  return errors;
}

export const numOrNull = (v: string): number | null => (v.trim() === '' ? null : Number(v));

export function ClientFields({
  draft,
  errors,
  onChange,
  withExpiry,
  disabled,
}: {
  draft: ClientDraft;
  errors: FieldErrors;
  onChange: (d: ClientDraft) => void;
  withExpiry?: boolean;
  disabled?: boolean;
}) {
  const set = (key: keyof ClientDraft) => (e: { target: { value: string } }) => onChange({ ...draft, [key]: e.target.value });
  return (
    <>
      <FormField label="Name" error={errors.name} required>
        <Input value={draft.name} onChange={set('name')} maxLength={255} disabled={disabled} />
      </FormField>
      <FormField label="Description" error={errors.description}>
        <Textarea value={draft.description} onChange={set('description')} rows={2} disabled={disabled} />
      </FormField>
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField label="Rate limit per minute" error={errors.rate_limit_per_minute} hint="Empty: the gateway default.">
          <Input inputMode="numeric" value={draft.rate_limit_per_minute} onChange={set('rate_limit_per_minute')} placeholder="Default" disabled={disabled} />
        </FormField>
        <FormField label="Max concurrent requests" error={errors.max_concurrent} hint="Empty: the gateway default.">
          <Input inputMode="numeric" value={draft.max_concurrent} onChange={set('max_concurrent')} placeholder="Default" disabled={disabled} />
        </FormField>
      </div>
      {withExpiry && (
        <FormField label="Token lifetime (seconds)" error={errors.token_expire_seconds} hint="How long a token from /token/generate stays valid.">
          <Input inputMode="numeric" value={draft.token_expire_seconds} onChange={set('token_expire_seconds')} disabled={disabled} />
        </FormField>
      )}
    </>
  );
}
