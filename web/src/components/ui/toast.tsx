/**
 * Toasts (Radix Toast) from anywhere, no hook needed:
 *   toast.success('Connection saved');  toast.error(error)  // an ApiError → its message
 * <Toaster /> is mounted once in main.tsx. Toasts are role "status" and close by themselves (errors later).
 */
import { useSyncExternalStore } from 'react';
import { Toast as T } from 'radix-ui';
import { CheckCircle2, Info, X, XCircle } from 'lucide-react';
import { cn } from '../../lib/cn';
import { errorMessage } from '../../api/errors';

type Kind = 'success' | 'error' | 'info';
interface Item {
  id: number;
  kind: Kind;
  title: string;
  description?: string;
  open: boolean;
}

let items: Item[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

function push(kind: Kind, title: string, description?: string): void {
  items = [...items.slice(-4), { id: nextId++, kind, title, description, open: true }];
  emit();
}

function close(id: number): void {
  items = items.map((t) => (t.id === id ? { ...t, open: false } : t));
  emit();
  setTimeout(() => {
    items = items.filter((t) => t.id !== id);
    emit();
  }, 300);
}

export const toast = {
  success: (title: string, description?: string) => push('success', title, description),
  info: (title: string, description?: string) => push('info', title, description),
  /** Accepts a message or any thrown value (ApiError, Error). */
  error: (error: unknown, description?: string) => push('error', errorMessage(error), description),
};

const icons = { success: CheckCircle2, error: XCircle, info: Info } as const;

export function Toaster() {
  const list = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => items,
  );
  return (
    <T.Provider swipeDirection="right">
      {list.map((t) => {
        const Icon = icons[t.kind];
        return (
          <T.Root
            key={t.id}
            open={t.open}
            duration={t.kind === 'error' ? 8000 : 4000}
            onOpenChange={(open) => !open && close(t.id)}
            className={cn(
              'pointer-events-auto flex w-full items-start gap-3 rounded-lg border bg-card p-4 pr-8 text-card-foreground shadow-lg relative',
              t.kind === 'error' && 'border-destructive/50',
            )}
          >
            <Icon
              className={cn(
                'mt-0.5 size-4 shrink-0',
                t.kind === 'success' && 'text-success',
                t.kind === 'error' && 'text-destructive',
                t.kind === 'info' && 'text-primary',
              )}
            />
            <div className="grid gap-1">
              <T.Title className="text-sm font-medium">{t.title}</T.Title>
              {t.description && <T.Description className="text-sm text-muted-foreground">{t.description}</T.Description>}
            </div>
            <T.Close aria-label="Dismiss" className="absolute right-2 top-2 rounded p-1 opacity-60 hover:opacity-100">
              <X className="size-3.5" />
            </T.Close>
          </T.Root>
        );
      })}
      <T.Viewport className="fixed bottom-0 right-0 z-[100] flex max-h-screen w-full flex-col gap-2 p-4 sm:max-w-sm" />
    </T.Provider>
  );
}
