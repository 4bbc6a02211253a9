/**
 * An inline message box (not a toast): the result of a connection test, why a spec cannot be served, the list
 * of problems in a document. Errors and warnings are announced (`role="alert"`), the rest is `role="status"`.
 *   <Alert variant="destructive" title="Connection failed">password authentication failed for user "x"</Alert>
 */
import type { ComponentProps, ReactNode } from 'react';
import { cva, type VariantProps } from 'class-variance-authority';
import { AlertTriangle, CheckCircle2, Info, XCircle } from 'lucide-react';
import { cn } from '../../lib/cn';

const alertVariants = cva('flex gap-3 rounded-lg border px-4 py-3 text-sm', {
  variants: {
    variant: {
      info: 'bg-muted/50 text-foreground',
      success: 'border-success/40 bg-success/10 text-foreground',
      warning: 'border-warning/50 bg-warning/10 text-foreground',
      destructive: 'border-destructive/40 bg-destructive/10 text-foreground',
    },
  },
  defaultVariants: { variant: 'info' },
});

const ICONS = { info: Info, success: CheckCircle2, warning: AlertTriangle, destructive: XCircle } as const;
const ICON_TONE = { info: 'text-muted-foreground', success: 'text-success', warning: 'text-warning', destructive: 'text-destructive' } as const;

export function Alert({
  variant,
  title,
  className,
  children,
  ...props
}: Omit<ComponentProps<'div'>, 'title'> & VariantProps<typeof alertVariants> & { title?: ReactNode }) {
  const v = variant ?? 'info';
  const Icon = ICONS[v];
  return (
    <div role={v === 'destructive' || v === 'warning' ? 'alert' : 'status'} className={cn(alertVariants({ variant: v }), className)} {...props}>
      <Icon className={cn('mt-0.5 size-4 shrink-0', ICON_TONE[v])} aria-hidden />
      <div className="min-w-0 flex-1 space-y-1">
        {title && <p className="font-medium leading-tight">{title}</p>}
        {children && <div className="break-words text-muted-foreground">{children}</div>}
      </div>
    </div>
  );
}
