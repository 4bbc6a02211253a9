/** The sidebar navigation: sections of links, each item shown only when the user may read its area. */
import { Link } from '@tanstack/react-router';
import { NAV, BRAND_ICON } from './nav-items';
import { useCan } from '../../auth/use-me';
import { cn } from '../../lib/cn';

export function Sidebar({ onNavigate, className }: { onNavigate?: () => void; className?: string }) {
  const can = useCan();
  const Brand = BRAND_ICON;
  return (
    <aside className={cn('flex h-full w-60 flex-col border-r bg-sidebar', className)}>
      <div className="flex h-14 items-center gap-2 border-b px-4">
        <div className="flex size-7 items-center justify-center rounded-md bg-primary text-primary-foreground">
          <Brand className="size-4" />
        </div>
        <span className="text-base font-semibold tracking-tight">Portico</span>
      </div>
      <nav aria-label="Main" className="flex-1 overflow-y-auto px-2 py-3">
        {NAV.map((section) => {
          const items = section.items.filter((i) => !i.permission || can(i.permission.resource, i.permission.action));
          if (items.length === 0) return null;
          return (
            <div key={section.title} className="mb-4">
              <div className="px-2 pb-1 text-xs font-medium uppercase tracking-wide text-muted-foreground">{section.title}</div>
              <ul className="space-y-0.5">
                {items.map((item) => (
                  <li key={item.to}>
                    <Link
                      to={item.to}
                      onClick={onNavigate}
                      activeOptions={{ exact: item.to === '/' }}
                      className="flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm text-foreground/80 transition-colors hover:bg-accent hover:text-accent-foreground"
                      activeProps={{ className: 'bg-accent font-medium !text-foreground', 'aria-current': 'page' }}
                    >
                      <item.icon className="size-4 shrink-0" aria-hidden />
                      {item.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </nav>
    </aside>
  );
}
