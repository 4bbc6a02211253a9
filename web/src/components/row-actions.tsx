/**
 * A row's "⋯" menu: a ghost icon button named "Actions for <item>" opening a menu of the actions the user may
 * take. Actions with `show: false` (no permission) are left out, destructive ones come last after a separator,
 * and with none left the button is not rendered at all.
 *   <RowActions name={user.username} actions={[{ label: 'Edit', icon: Pencil, onSelect: …, show: can('user', 'update') },
 *     { label: 'Delete', icon: Trash2, destructive: true, onSelect: () => void remove(user), show: can('user', 'delete') }]} />
 */
import type { ComponentType } from 'react';
import { MoreHorizontal } from 'lucide-react';
import { Button } from './ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from './ui/dropdown-menu';

export interface RowAction {
  label: string;
  icon: ComponentType<{ className?: string; 'aria-hidden'?: boolean }>;
  onSelect: () => void;
  /** Whether the user may take it (default true). */
  show?: boolean;
  destructive?: boolean;
}

export function RowActions({ name, actions }: { name: string; actions: readonly RowAction[] }) {
  const shown = actions.filter((a) => a.show !== false);
  if (shown.length === 0) return null;
  const plain = shown.filter((a) => !a.destructive);
  const destructive = shown.filter((a) => a.destructive);
  const item = (a: RowAction) => (
    <DropdownMenuItem key={a.label} destructive={a.destructive} onSelect={a.onSelect}>
      <a.icon aria-hidden />
      {a.label}
    </DropdownMenuItem>
  );
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon" aria-label={`Actions for ${name}`}>
          <MoreHorizontal aria-hidden />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent>
        {plain.map(item)}
        {plain.length > 0 && destructive.length > 0 && <DropdownMenuSeparator />}
        {destructive.map(item)}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
