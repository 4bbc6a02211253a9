/**
 * The gateway's IP firewall, compiled once per catalog snapshot from the rules in the catalog.
 *
 * - Inactive rules are ignored.
 * - Global rules (client_id null) apply to every call; a client's rules apply only once the client is known
 *   (after authentication), in addition to the global ones.
 * - A matching deny rule, global or the client's, always wins. Rule order never changes a decision.
 * - A scope (the global rules, or one client's rules) with at least one active allow rule is an allow-list:
 *   an address must match one of that scope's allow rules. Both scopes must pass when both apply.
 * - No active rules at all: every address is allowed.
 * - IPv4 rules match IPv4 addresses and IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, how a dual-stack
 *   socket reports an IPv4 peer); IPv6 rules match the other IPv6 addresses. A rule written as a mapped block
 *   was stored as its IPv4 block already.
 * - An address that cannot be parsed matches no rule: denied exactly when an allow-list applies.
 *
 * `check` costs one `net.BlockList` lookup per list it consults, each linear in that list's rules.
 */
import net from 'node:net';
import type { Catalog } from '../catalog/catalog.ts';
import { FirewallRepository, parseAddress, parseCidr, type FirewallRule, type IpFamily } from '../catalog/firewall.ts';

export type FirewallDecision = 'allow' | 'deny';

export interface Firewall {
  /** `clientId` is the authenticated client's id (`clients.id`), or null before authentication / for public calls. */
  check(ip: string, clientId: string | null): FirewallDecision;
}

/** What `compileFirewall` returns: a Firewall plus what the gateway may want to log or skip. */
export interface CompiledFirewall extends Firewall {
  /** Whether the client has active rules of its own (when not, the check after authentication adds nothing). */
  hasClientRules(clientId: string): boolean;
  /** Active rules compiled. */
  readonly size: number;
  /** Active rules whose cidr could not be parsed (only possible for rows not written through the repository). */
  readonly invalid: readonly { id: string; cidr: string }[];
}

class Scope {
  readonly deny = { ipv4: new net.BlockList(), ipv6: new net.BlockList() };
  readonly allow = { ipv4: new net.BlockList(), ipv6: new net.BlockList() };
  /** An allow-list: some active allow rule (even an unparsable one, which then matches nothing) exists. */
  hasAllow = false;
  /** Some deny rule was added (otherwise the deny lists need no lookup). */
  hasDeny = false;

  /** Whether the scope can refuse anything at all. */
  get empty(): boolean {
    return !this.hasAllow && !this.hasDeny;
  }

  /** Whether the address is refused by this scope. */
  refuses(addr: { family: IpFamily; address: string } | null): boolean {
    if (this.hasDeny && addr && this.deny[addr.family].check(addr.address, addr.family)) return true;
    if (!this.hasAllow) return false;
    return !(addr && this.allow[addr.family].check(addr.address, addr.family));
  }
}

export function compileFirewall(rules: FirewallRule[]): CompiledFirewall {
  const global = new Scope();
  const clients = new Map<string, Scope>();
  const invalid: { id: string; cidr: string }[] = [];
  let size = 0;

  for (const rule of rules) {
    if (!rule.is_active) continue;
    size++;
    let scope = global;
    if (rule.client_id !== null) {
      const key = rule.client_id.toLowerCase();
      scope = clients.get(key) ?? new Scope();
      clients.set(key, scope);
    }
    if (rule.action === 'allow') scope.hasAllow = true;
    const block = parseCidr(rule.cidr);
    if (!block) {
      invalid.push({ id: rule.id, cidr: rule.cidr });
      continue;
    }
    // Each family's list holds only that family's blocks, so BlockList's own IPv4/IPv6 mapping never applies.
    if (rule.action === 'deny') scope.hasDeny = true;
    const lists = rule.action === 'deny' ? scope.deny : scope.allow;
    lists[block.family].addSubnet(block.address, block.prefix, block.family);
  }

  return {
    size,
    invalid,
    hasClientRules: (clientId) => clients.has(clientId.toLowerCase()),
    check(ip, clientId) {
      const own = clientId === null ? undefined : clients.get(clientId.toLowerCase());
      // Most calls meet no rule at all: no address parsing for them.
      if (global.empty && (!own || own.empty)) return 'allow';
      const addr = parseAddress(ip);
      if (global.refuses(addr)) return 'deny';
      if (own?.refuses(addr)) return 'deny';
      return 'allow';
    },
  };
}

/** Reads every rule from the catalog and compiles them. */
export async function loadFirewall(catalog: Catalog): Promise<CompiledFirewall> {
  return compileFirewall(await new FirewallRepository(catalog).all());
}
