/**
 * The frame of every signed-in page: sidebar, top bar (menu on small screens, theme, user) and the page. The
 * document itself scrolls (sidebar and top bar are sticky), so the browser's scroll, scroll restoration and
 * full-page screenshots see the whole page.
 */
import { useState, type ReactNode } from 'react';
import { Menu } from 'lucide-react';
import { Sidebar } from './sidebar';
import { ThemeToggle } from './theme-toggle';
import { UserMenu } from './user-menu';
import { Button } from '../ui/button';

export function AppShell({ children }: { children: ReactNode }) {
  const [mobileNav, setMobileNav] = useState(false);
  return (
    <div className="flex min-h-screen">
      {/* The column runs the page's full height (its colour too); the navigation inside stays in view. */}
      <div className="hidden w-60 shrink-0 border-r bg-sidebar md:block">
        <Sidebar className="sticky top-0 h-screen border-r-0" />
      </div>
      {mobileNav && (
        <div className="fixed inset-0 z-40 md:hidden">
          <div className="absolute inset-0 bg-black/40" onClick={() => setMobileNav(false)} aria-hidden />
          <Sidebar className="relative z-10 bg-background" onNavigate={() => setMobileNav(false)} />
        </div>
      )}
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 flex h-14 shrink-0 items-center gap-2 border-b bg-background/95 px-4">
          <Button variant="ghost" size="icon" className="md:hidden" aria-label="Open navigation" onClick={() => setMobileNav(true)}>
            <Menu />
          </Button>
          <div className="flex-1" />
          <ThemeToggle />
          <UserMenu />
        </header>
        <main className="flex-1">
          <div className="mx-auto w-full max-w-7xl px-4 py-6 md:px-8">{children}</div>
        </main>
      </div>
    </div>
  );
}
