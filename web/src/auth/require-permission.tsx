/**
 * Shows its children only when the user holds the permission. Use it for buttons and sections
 * (`<RequirePermission resource="client" action="create"><Button>New client</Button></RequirePermission>`);
 * with `page`, it shows a "no access" empty state instead of nothing (for whole pages).
 */
import type { ReactNode } from 'react';
import { ShieldOff } from 'lucide-react';
import { useCan } from './use-me';
import type { Action, Resource } from './permissions';
import { EmptyState } from '../components/ui/empty-state';

export function RequirePermission(props: {
  resource: Resource;
  action: Action;
  children: ReactNode;
  fallback?: ReactNode;
  page?: boolean;
}) {
  const can = useCan();
  if (can(props.resource, props.action)) return <>{props.children}</>;
  if (props.page) {
    return (
      <EmptyState
        icon={ShieldOff}
        title="No access"
        description={`Your roles do not include ${props.resource}.${props.action}. Ask an administrator for access.`}
      />
    );
  }
  return <>{props.fallback ?? null}</>;
}
