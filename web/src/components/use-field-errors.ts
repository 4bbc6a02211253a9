/**
 * The error map of a form: `check(next)` shows the page's own validation and says whether to send;
 * `onError` (a mutation's) puts the server's field errors (`details`, or a 400/409 message naming a field) next
 * to those fields, and toasts the message when it names none.
 *   const { errors, check, onError } = useFieldErrors(['name', 'path_prefix', 'prefix'], { prefix: 'path_prefix' });
 *   const save = useMutation({ mutationFn, onSuccess, onError });
 *   const submit = () => check({ ...(!name.trim() && { name: 'Give the module a name' }) }) && save.mutate();
 */
import { useState } from 'react';
import { fieldErrors, type FieldErrors } from '../api/errors';
import { toast } from './ui/toast';

export function useFieldErrors(fields: readonly string[], aliases: Record<string, string> = {}) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const check = (next: FieldErrors): boolean => {
    setErrors(next);
    return Object.keys(next).length === 0;
  };
  const onError = (error: unknown) => {
    const found = fieldErrors(error, fields);
    // A message naming the field differently from the form (`prefix` for `path_prefix`) lands on the form's name.
    for (const [from, to] of Object.entries(aliases)) if (found[from]) found[to] ??= found[from];
    setErrors(found);
    if (!Object.keys(found).length) toast.error(error);
    return found;
  };
  return { errors, setErrors, check, onError };
}
