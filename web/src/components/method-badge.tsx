/** An HTTP method as a small coloured label (GET, POST, PUT, PATCH, DELETE), the same on every page. */
import { cn } from '../lib/cn';

const TONE: Record<string, string> = {
  GET: 'bg-primary/10 text-primary',
  POST: 'bg-success/15 text-success',
  PUT: 'bg-warning/20 text-foreground',
  PATCH: 'bg-warning/20 text-foreground',
  DELETE: 'bg-destructive/15 text-destructive',
};

export function MethodBadge({ method, className }: { method: string; className?: string }) {
  const m = method.toUpperCase();
  return (
    <span className={cn('inline-flex w-16 justify-center rounded px-1.5 py-0.5 font-mono text-[11px] font-semibold', TONE[m] ?? 'bg-muted text-muted-foreground', className)}>
      {m}
    </span>
  );
}
