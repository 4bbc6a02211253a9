import { describe, expect, it } from 'vitest';
import { compileFirewall } from '../../src/gateway/firewall.ts';
import { normaliseCidr, parseAddress, parseCidr, type FirewallRule } from '../../src/catalog/firewall.ts';
import { AppError } from '../../src/errors.ts';

const CLIENT_A = '6f1c3f5e-0000-4000-8000-00000000000a';
const CLIENT_B = '6f1c3f5e-0000-4000-8000-00000000000b';

let n = 0;
function rule(action: 'allow' | 'deny', cidr: string, extra: Partial<FirewallRule> = {}): FirewallRule {
  return {
    id: `r${++n}`,
    action,
    cidr,
    client_id: null,
    description: null,
    is_active: true,
    sort_order: 0,
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-01-01T00:00:00.000Z',
    ...extra,
  };
}

describe('normaliseCidr', () => {
  it.each([
    ['192.168.1.7', '192.168.1.7/32'],
    ['  192.168.1.7/32 ', '192.168.1.7/32'],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['172.16.5.4/12', '172.16.0.0/12'],
    ['192.168.1.130/25', '192.168.1.128/25'],
    ['1.2.3.4/0', '0.0.0.0/0'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['2001:DB8:1234::1/32', '2001:db8::/32'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1/128'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1/128'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1/128'],
    ['fe80::1:2:3:4/64', 'fe80::/64'],
    ['::1', '::1/128'],
    ['::', '::/128'],
    ['::/0', '::/0'],
    ['2001:db8::ff/121', '2001:db8::80/121'],
    ['::ffff:1.2.3.4', '1.2.3.4/32'],
    ['::ffff:10.9.8.7/104', '10.0.0.0/8'],
    ['::FFFF:0a01:0203', '10.1.2.3/32'],
    ['::ffff:0:0/95', '::fffe:0:0/95'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseCidr(input)).toBe(expected);
    expect(normaliseCidr(expected)).toBe(expected); // stable
  });

  it.each([
    '',
    'localhost',
    '10.0.0',
    '10.0.0.256',
    '010.0.0.1',
    '10.0.0.0/33',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '10.0.0.0/+8',
    '10.0.0.0/8/8',
    '10.0.0.0/0x8',
    '2001:db8::/129',
    '2001:db8:::1',
    'fe80::1%eth0',
    '1.2.3.4 /32',
    'x'.repeat(200),
  ])('refuses %j with a 400 naming cidr', (input) => {
    let error: unknown;
    try {
      normaliseCidr(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).toMatch(/^cidr: /);
  });

  it('refuses what is not text', () => {
    expect(() => normaliseCidr(42)).toThrow(/^cidr: /);
    expect(() => normaliseCidr(null)).toThrow(/^cidr: /);
  });

  it('parses into family, network address and prefix', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 'ipv4', address: '10.0.0.0', prefix: 8, cidr: '10.0.0.0/8' });
    expect(parseCidr('2001:db8::1')).toEqual({ family: 'ipv6', address: '2001:db8::1', prefix: 128, cidr: '2001:db8::1/128' });
    expect(parseCidr('nope')).toBeNull();
  });

  it('reads client addresses, IPv4-mapped ones as IPv4 and without a zone', () => {
    expect(parseAddress('1.2.3.4')).toEqual({ family: 'ipv4', address: '1.2.3.4' });
    expect(parseAddress('::ffff:1.2.3.4')).toEqual({ family: 'ipv4', address: '1.2.3.4' });
    expect(parseAddress('::ffff:102:304')).toEqual({ family: 'ipv4', address: '1.2.3.4' });
    expect(parseAddress('fe80::1%eth0')).toEqual({ family: 'ipv6', address: 'fe80::1' });
    expect(parseAddress('unknown')).toBeNull();
  });
});

describe('compileFirewall', () => {
  it('allows everything with no rules, and with only inactive rules', () => {
    for (const fw of [compileFirewall([]), compileFirewall([rule('deny', '0.0.0.0/0', { is_active: false })])]) {
      expect(fw.size).toBe(0);
      for (const ip of ['1.2.3.4', '::1', '::ffff:10.0.0.1', 'not an ip']) {
        expect(fw.check(ip, null)).toBe('allow');
        expect(fw.check(ip, CLIENT_A)).toBe('allow');
      }
    }
  });

  it('denies a single IPv4 address and nothing else', () => {
    const fw = compileFirewall([rule('deny', '192.168.1.7/32')]);
    expect(fw.check('192.168.1.7', null)).toBe('deny');
    expect(fw.check('192.168.1.6', null)).toBe('allow');
    expect(fw.check('192.168.1.8', null)).toBe('allow');
    expect(fw.check('::1', null)).toBe('allow');
  });

  it('matches an IPv4 block exactly up to its boundaries', () => {
    const fw = compileFirewall([rule('deny', '10.0.0.0/8'), rule('deny', '192.168.1.128/25')]);
    expect(fw.check('9.255.255.255', null)).toBe('allow');
    expect(fw.check('10.0.0.0', null)).toBe('deny');
    expect(fw.check('10.123.45.67', null)).toBe('deny');
    expect(fw.check('10.255.255.255', null)).toBe('deny');
    expect(fw.check('11.0.0.0', null)).toBe('allow');
    expect(fw.check('192.168.1.127', null)).toBe('allow');
    expect(fw.check('192.168.1.128', null)).toBe('deny');
    expect(fw.check('192.168.1.255', null)).toBe('deny');
    expect(fw.check('192.168.2.0', null)).toBe('allow');
  });

  it('matches IPv6 addresses and blocks up to their boundaries, whatever the spelling', () => {
    const fw = compileFirewall([rule('deny', '2001:db8::/32'), rule('deny', 'fe80::1/128')]);
    expect(fw.check('2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', null)).toBe('allow');
    expect(fw.check('2001:db8::', null)).toBe('deny');
    expect(fw.check('2001:0DB8:0000::0001', null)).toBe('deny');
    expect(fw.check('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', null)).toBe('deny');
    expect(fw.check('2001:db9::', null)).toBe('allow');
    expect(fw.check('fe80::1', null)).toBe('deny');
    expect(fw.check('fe80::1%eth0', null)).toBe('deny');
    expect(fw.check('fe80::2', null)).toBe('allow');
    expect(fw.check('10.0.0.1', null)).toBe('allow');
  });

  it('tests an IPv4-mapped IPv6 address as the IPv4 address it is', () => {
    const fw = compileFirewall([rule('deny', '10.0.0.0/8')]);
    expect(fw.check('::ffff:10.1.2.3', null)).toBe('deny');
    expect(fw.check('::FFFF:a01:203', null)).toBe('deny');
    expect(fw.check('::ffff:11.1.2.3', null)).toBe('allow');
    // A rule written in mapped form means the IPv4 block.
    const mapped = compileFirewall([rule('deny', '::ffff:10.0.0.0/104')]);
    expect(mapped.check('10.1.2.3', null)).toBe('deny');
    expect(mapped.check('::ffff:10.1.2.3', null)).toBe('deny');
    expect(mapped.check('11.1.2.3', null)).toBe('allow');
  });

  it('keeps the families apart: IPv6 rules do not match IPv4 callers and vice versa', () => {
    const v6 = compileFirewall([rule('deny', '::/0')]);
    expect(v6.check('2001:db8::1', null)).toBe('deny');
    expect(v6.check('1.2.3.4', null)).toBe('allow');
    expect(v6.check('::ffff:1.2.3.4', null)).toBe('allow');
    const v4 = compileFirewall([rule('deny', '0.0.0.0/0')]);
    expect(v4.check('1.2.3.4', null)).toBe('deny');
    expect(v4.check('::ffff:1.2.3.4', null)).toBe('deny');
    expect(v4.check('2001:db8::1', null)).toBe('allow');
    expect(v4.check('::1', null)).toBe('allow');
  });

  it('lets a matching deny win over a matching allow, whatever the order', () => {
    for (const rules of [
      [rule('allow', '10.0.0.0/8'), rule('deny', '10.1.0.0/16')],
      [rule('deny', '10.1.0.0/16', { sort_order: 9 }), rule('allow', '10.0.0.0/8', { sort_order: -9 })],
      [rule('allow', '10.1.2.3/32'), rule('deny', '10.0.0.0/8')],
    ]) {
      const fw = compileFirewall(rules);
      expect(fw.check('10.1.2.3', null)).toBe('deny');
    }
    const fw = compileFirewall([rule('allow', '10.0.0.0/8'), rule('deny', '10.1.0.0/16')]);
    expect(fw.check('10.2.0.1', null)).toBe('allow');
  });

  it('turns the global rules into an allow-list once there is an active global allow rule', () => {
    const fw = compileFirewall([rule('allow', '10.0.0.0/8'), rule('allow', '2001:db8::/32')]);
    expect(fw.check('10.9.9.9', null)).toBe('allow');
    expect(fw.check('::ffff:10.9.9.9', null)).toBe('allow');
    expect(fw.check('2001:db8::5', null)).toBe('allow');
    expect(fw.check('11.0.0.1', null)).toBe('deny');
    expect(fw.check('2001:db9::5', null)).toBe('deny');
    expect(fw.check('garbage', null)).toBe('deny');
    // …for clients too: the global allow-list applies to every call.
    expect(fw.check('11.0.0.1', CLIENT_A)).toBe('deny');
    // An inactive allow rule makes no allow-list.
    const off = compileFirewall([rule('allow', '10.0.0.0/8', { is_active: false }), rule('deny', '1.1.1.1')]);
    expect(off.check('11.0.0.1', null)).toBe('allow');
    expect(off.check('1.1.1.1', null)).toBe('deny');
  });

  it('applies a client rule only when that client is known', () => {
    const fw = compileFirewall([rule('deny', '10.0.0.0/8', { client_id: CLIENT_A })]);
    expect(fw.check('10.1.1.1', null)).toBe('allow');
    expect(fw.check('10.1.1.1', CLIENT_B)).toBe('allow');
    expect(fw.check('10.1.1.1', CLIENT_A)).toBe('deny');
    expect(fw.check('10.1.1.1', CLIENT_A.toUpperCase())).toBe('deny');
    expect(fw.check('11.1.1.1', CLIENT_A)).toBe('allow');
    expect(fw.hasClientRules(CLIENT_A)).toBe(true);
    expect(fw.hasClientRules(CLIENT_B)).toBe(false);
  });

  it("makes a client's allow rules an allow-list for that client only, on top of the global rules", () => {
    const fw = compileFirewall([
      rule('allow', '10.0.0.0/8', { client_id: CLIENT_A }),
      rule('deny', '10.6.6.6'),
      rule('deny', '10.7.7.7', { client_id: CLIENT_B }),
    ]);
    // Client A: only 10/8, minus the global deny.
    expect(fw.check('10.1.1.1', CLIENT_A)).toBe('allow');
    expect(fw.check('12.1.1.1', CLIENT_A)).toBe('deny');
    expect(fw.check('10.6.6.6', CLIENT_A)).toBe('deny');
    // Client B and unauthenticated calls are not bound by A's allow-list.
    expect(fw.check('12.1.1.1', CLIENT_B)).toBe('allow');
    expect(fw.check('12.1.1.1', null)).toBe('allow');
    expect(fw.check('10.7.7.7', CLIENT_B)).toBe('deny');
    expect(fw.check('10.7.7.7', CLIENT_A)).toBe('allow');
    expect(fw.check('10.6.6.6', null)).toBe('deny');
  });

  it('requires both allow-lists when the global and the client scope each have one', () => {
    const fw = compileFirewall([
      rule('allow', '10.0.0.0/8'),
      rule('allow', '10.1.0.0/16', { client_id: CLIENT_A }),
      rule('allow', '192.168.0.0/16', { client_id: CLIENT_A }),
    ]);
    expect(fw.check('10.1.2.3', CLIENT_A)).toBe('allow');
    expect(fw.check('10.2.2.3', CLIENT_A)).toBe('deny'); // not in A's list
    expect(fw.check('192.168.1.1', CLIENT_A)).toBe('deny'); // not in the global list
    expect(fw.check('10.2.2.3', CLIENT_B)).toBe('allow');
  });

  it('ignores inactive client rules', () => {
    const fw = compileFirewall([rule('deny', '10.0.0.0/8', { client_id: CLIENT_A, is_active: false })]);
    expect(fw.check('10.1.1.1', CLIENT_A)).toBe('allow');
    expect(fw.hasClientRules(CLIENT_A)).toBe(false);
  });

  it('fails closed on an unparsable rule: it matches nothing but still makes its scope an allow-list', () => {
    const fw = compileFirewall([rule('allow', 'bogus'), rule('deny', 'also bogus')]);
    expect(fw.invalid.map((r) => r.cidr)).toEqual(['bogus', 'also bogus']);
    expect(fw.size).toBe(2);
    expect(fw.check('1.2.3.4', null)).toBe('deny');
  });

  it('accepts rules written as plain addresses (not yet normalised)', () => {
    const fw = compileFirewall([rule('deny', '192.168.1.7'), rule('deny', '2001:db8::1')]);
    expect(fw.check('192.168.1.7', null)).toBe('deny');
    expect(fw.check('2001:db8:0::1', null)).toBe('deny');
    expect(fw.check('2001:db8::2', null)).toBe('allow');
  });

  it('answers an unparsable caller address by the allow-lists alone', () => {
    expect(compileFirewall([rule('deny', '0.0.0.0/0'), rule('deny', '::/0')]).check('nonsense', null)).toBe('allow');
    expect(compileFirewall([rule('allow', '0.0.0.0/0')]).check('nonsense', null)).toBe('deny');
  });
});
