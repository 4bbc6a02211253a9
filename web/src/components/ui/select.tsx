/**
 * A styled native <select>. Native on purpose: it works in forms without extra state, is fully keyboard and
 * screen-reader accessible, and Playwright drives it with `getByLabel('Type').selectOption('postgres')`.
 */
import type { ComponentProps } from 'react';
import { cn } from '../../lib/cn';
import { inputClass } from './input';

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface SelectProps extends ComponentProps<'select'> {
  /** Options; or pass <option> children. */
  options?: readonly SelectOption[];
  /** Adds a first empty option with this text (e.g. "All", "Choose…"). */
  placeholder?: string;
}

export function Select({ className, options, placeholder, children, ...props }: SelectProps) {
  return (
    <select className={cn(inputClass, 'pr-8 appearance-auto', className)} {...props}>
      {placeholder !== undefined && <option value="">{placeholder}</option>}
      {options?.map((o) => (
        <option key={o.value} value={o.value} disabled={o.disabled}>
          {o.label}
        </option>
      ))}
      {children}
    </select>
  );
}
