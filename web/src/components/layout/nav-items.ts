/** The sidebar's sections and items, each with the permission that makes it visible. */
import type { LucideIcon } from 'lucide-react';
import {
  Boxes,
  Braces,
  Database,
  FileCode2,
  GitCommitHorizontal,
  KeyRound,
  LayoutDashboard,
  ScrollText,
  Settings,
  Shield,
  ShieldCheck,
  Table2,
  Users,
  UsersRound,
  Variable,
} from 'lucide-react';
import type { Action, Resource } from '../../auth/permissions';

export interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
  /** Hidden unless the user holds it; absent = every signed-in user. */
  permission?: { resource: Resource; action: Action };
}

export interface NavSection {
  title: string;
  items: NavItem[];
}

const read = (resource: Resource) => ({ resource, action: 'read' as const });

export const NAV: NavSection[] = [
  { title: 'Overview', items: [{ to: '/', label: 'Dashboard', icon: LayoutDashboard, permission: read('overview') }] },
  {
    title: 'Build',
    items: [
      { to: '/connections', label: 'Connections', icon: Database, permission: read('datasource') },
      { to: '/dev/modules', label: 'Modules', icon: Boxes, permission: read('module') },
      { to: '/dev/endpoints', label: 'Endpoints', icon: FileCode2, permission: read('api_assignment') },
      { to: '/dev/macros', label: 'Macros', icon: Variable, permission: read('macro_def') },
      { to: '/tables', label: 'Table APIs', icon: Table2, permission: read('module') },
      { to: '/repository', label: 'Repository', icon: GitCommitHorizontal, permission: read('api_assignment') },
    ],
  },
  {
    title: 'Gateway',
    items: [
      { to: '/system/groups', label: 'Groups', icon: UsersRound, permission: read('group') },
      { to: '/system/clients', label: 'Clients', icon: KeyRound, permission: read('client') },
      { to: '/system/firewall', label: 'Firewall', icon: Shield, permission: read('firewall') },
      { to: '/system/access-logs', label: 'Access logs', icon: ScrollText, permission: read('access_log') },
    ],
  },
  {
    title: 'Administration',
    items: [
      { to: '/admin/users', label: 'Users', icon: Users, permission: read('user') },
      { to: '/admin/roles', label: 'Roles', icon: ShieldCheck, permission: read('role') },
      { to: '/settings', label: 'Settings', icon: Settings },
    ],
  },
];

export const BRAND_ICON = Braces;
