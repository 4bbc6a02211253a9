/**
 * Empty, error and "not built" states: an icon, a title, one line of explanation and the next action
 * (usually the button that creates the first item, or "Try again").
 *   <EmptyState icon={Database} title="No connections yet" description="…" action={<Button>New connection</Button>} />
 *   <ErrorState error={query.error} onRetry={() => query.refetch()} />
 */
import type { ComponentType, ReactNode } from 'react';
import { AlertTriangle, Inbox } from 'lucide-react';
import { cn } from '../../lib/cn';
import { Button } from './button';
import { errorMessage } from '../../api/errors';

export function EmptyState(props: {
  icon?: ComponentType<{ className?: string }>;
  title: string;
  description?: ReactNode;
  action?: ReactNode;
  className?: string;
  tone?: 'default' | 'error';
}) {
  const Icon = props.icon ?? Inbox;
  return (
    <div
      role={props.tone === 'error' ? 'alert' : undefined}
      className={cn(
        'flex flex-col items-center justify-center gap-3 rounded-lg border border-dashed px-6 py-12 text-center',
        props.tone === 'error' && 'border-destructive/40',
        props.className,
      )}
    >
      <div className={cn('rounded-full bg-muted p-3', props.tone === 'error' && 'bg-destructive/10 text-destructive')}>
        <Icon className="size-6" />
      </div>
      <div className="space-y-1">
        <h2 className="text-base font-semibold">{props.title}</h2>
        {props.description && <p className="max-w-md text-sm text-muted-foreground">{props.description}</p>}
      </div>
      {props.action}
    </div>
  );
}

/** A failed query: the server's message plus "Try again". */
export function ErrorState({ error, onRetry, title = 'Could not load this' }: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <EmptyState
      tone="error"
      icon={AlertTriangle}
      title={title}
      description={`${errorMessage(error)}. Check the connection to Portico and try again.`.replace('..', '.')}
      action={
        onRetry && (
          <Button variant="outline" onClick={onRetry}>
            Try again
          </Button>
        )
      }
    />
  );
}
