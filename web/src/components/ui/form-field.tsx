/**
 * A labelled form control with its hint and error. The label is bound to the control (`getByLabel('Name')`
 * works), and the error is announced and linked with aria-describedby / aria-invalid.
 *   <FormField label="Name" error={errors.name}>
 *     <Input value={name} onChange={…} />
 *   </FormField>
 * The single child receives `id`, `aria-invalid` and `aria-describedby`. For checkboxes/switches use `inline`.
 */
import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from 'react';
import { cn } from '../../lib/cn';
import { Label } from './label';

interface ControlProps {
  id?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
  'aria-required'?: boolean;
}

export function FormField(props: {
  label: string;
  error?: string | null;
  hint?: ReactNode;
  required?: boolean;
  inline?: boolean;
  className?: string;
  children: ReactElement<ControlProps>;
}) {
  const autoId = useId();
  const child = props.children;
  const id = (isValidElement(child) && child.props.id) || `field-${autoId}`;
  const hintId = props.hint && !props.error ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  const control = cloneElement(child, {
    id,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': props.required || undefined,
  });
  const label = (
    <Label htmlFor={id}>
      {props.label}
      {props.required && (
        <span className="text-destructive" aria-hidden>
          {' '}
          *
        </span>
      )}
    </Label>
  );
  return (
    <div className={cn('space-y-1.5', props.className)}>
      {props.inline ? (
        <div className="flex items-center gap-2">
          {control}
          {label}
        </div>
      ) : (
        <>
          {label}
          {control}
        </>
      )}
      {hintId && (
        <p id={hintId} className="text-xs text-muted-foreground">
          {props.hint}
        </p>
      )}
      {props.error && (
        <p id={errorId} className="text-xs font-medium text-destructive" role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}
