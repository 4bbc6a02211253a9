/** The signed-in user's menu: who is signed in, their settings, "Sign out" (revokes the token server-side). */
import { useNavigate } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { ChevronDown, LogOut, Settings, UserRound } from 'lucide-react';
import { Button } from '../ui/button';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '../ui/dropdown-menu';
import { useMe } from '../../auth/use-me';
import { signOut } from '../../auth/sign-out';

export function UserMenu() {
  const { data: me } = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const name = me?.username ?? '…';
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" className="gap-2 px-2" aria-label={`User menu (${name})`}>
          <span className="flex size-7 items-center justify-center rounded-full bg-primary/10 text-primary">
            <UserRound />
          </span>
          <span className="max-w-40 truncate text-sm" data-testid="current-user">
            {name}
          </span>
          <ChevronDown className="text-muted-foreground" />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent className="w-56">
        <DropdownMenuLabel>
          <div className="truncate">{me?.full_name || me?.username}</div>
          {me?.email && <div className="truncate text-xs font-normal text-muted-foreground">{me.email}</div>}
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => navigate({ to: '/settings' })}>
          <Settings /> Settings
        </DropdownMenuItem>
        <DropdownMenuItem onSelect={() => void signOut(queryClient).then(() => navigate({ to: '/login' }))}>
          <LogOut /> Sign out
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
