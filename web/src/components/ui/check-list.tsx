/**
 * A labelled group of checkboxes for choosing several items by id (a client's groups, a group's modules…),
 * with a filter box once the list is long. The group is a `group` named by its label; each item is a
 * checkbox named by its text: `getByRole('group', { name: 'Groups' }).getByRole('checkbox', { name: 'ops' })`.
 */
import { useId, useMemo, useState, type ReactNode } from 'react';
import { Checkbox } from './checkbox';
import { Input } from './input';
import { cn } from '../../lib/cn';

export interface CheckListItem {
  id: string;
  label: string;
  /** Secondary text after the label (a path, a prefix). */
  hint?: ReactNode;
}

export function CheckList(props: {
  label: string;
  items: readonly CheckListItem[];
  value: readonly string[];
  onChange: (ids: string[]) => void;
  /** Shown when there is nothing to choose from. */
  empty?: ReactNode;
  disabled?: boolean;
  className?: string;
}) {
  const id = useId();
  const [filter, setFilter] = useState('');
  const selected = useMemo(() => new Set(props.value), [props.value]);
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f ? props.items.filter((i) => i.label.toLowerCase().includes(f)) : props.items;
  }, [props.items, filter]);
  const toggle = (itemId: string, on: boolean) =>
    props.onChange(on ? [...props.value.filter((v) => v !== itemId), itemId] : props.value.filter((v) => v !== itemId));

  return (
    <div role="group" aria-labelledby={`${id}-label`} className={cn('space-y-2', props.className)}>
      <div className="flex items-baseline justify-between gap-2">
        <span id={`${id}-label`} className="text-sm font-medium">
          {props.label}
        </span>
        <span className="text-xs text-muted-foreground">{selected.size} selected</span>
      </div>
      {props.items.length > 8 && (
        <Input
          aria-label={`Filter ${props.label.toLowerCase()}`}
          placeholder="Filter…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          className="h-8"
        />
      )}
      <div className="max-h-48 overflow-y-auto rounded-md border bg-background">
        {props.items.length === 0 ? (
          <p className="px-3 py-3 text-sm text-muted-foreground">{props.empty ?? 'Nothing to choose from yet.'}</p>
        ) : shown.length === 0 ? (
          <p className="px-3 py-3 text-sm text-muted-foreground">No match for “{filter}”.</p>
        ) : (
          <ul className="divide-y">
            {shown.map((item) => {
              const boxId = `${id}-${item.id}`;
              return (
                <li key={item.id} className="flex items-center gap-2 px-3 py-2 hover:bg-muted/40">
                  <Checkbox
                    id={boxId}
                    checked={selected.has(item.id)}
                    disabled={props.disabled}
                    onCheckedChange={(c) => toggle(item.id, c === true)}
                  />
                  <label htmlFor={boxId} className="flex min-w-0 flex-1 cursor-pointer items-baseline gap-2 text-sm">
                    <span className="truncate">{item.label}</span>
                    {item.hint && <span className="truncate text-xs text-muted-foreground">{item.hint}</span>}
                  </label>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </div>
  );
}
