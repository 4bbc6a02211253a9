/**
 * What script HTTP may reach: the address classifier on IPv4/IPv6 literals (including the forms that smuggle
 * an internal IPv4 address inside IPv6), and the SCRIPT_HTTP_ALLOW_HOSTS / SCRIPT_HTTP_ALLOW_PRIVATE parsers.
 */
import { describe, expect, it } from 'vitest';
import { classifyAddress, isHostAllowed, parseAllowHosts, parseCidrList } from '../../src/engines/script/http.ts';

describe('classifyAddress', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['0:0:0:0:0:ffff:192.168.0.1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['::127.0.0.1', 'reserved'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2002:7f00:1::1', 'reserved'],
    ['100::1', 'reserved'],
    ['4000::1', 'reserved'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    '%s is an ordinary public address',
    (address) => {
      expect(classifyAddress(address)).toBeNull();
    },
  );

  it('treats anything that is not an IP address as reserved', () => {
    expect(classifyAddress('localhost')).toBe('reserved');
  });
});

describe('SCRIPT_HTTP_ALLOW_HOSTS', () => {
  const allowed = (entries: string[], url: string) => isHostAllowed(parseAllowHosts(entries), new URL(url));

  it('matches exact host names case-insensitively, on any port unless one is given', () => {
    expect(allowed(['api.example.com'], 'https://API.Example.com/x')).toBe(true);
    expect(allowed(['api.example.com'], 'http://api.example.com:8080/')).toBe(true);
    expect(allowed(['api.example.com'], 'https://example.com/')).toBe(false);
    expect(allowed(['api.example.com'], 'https://api.example.com.evil.net/')).toBe(false);
    expect(allowed(['api.example.com:8443'], 'https://api.example.com:8443/')).toBe(true);
    expect(allowed(['api.example.com:8443'], 'https://api.example.com/')).toBe(false);
    expect(allowed(['api.example.com:443'], 'https://api.example.com/')).toBe(true);
    expect(allowed(['api.example.com:443'], 'http://api.example.com/')).toBe(false);
  });

  it('matches subdomains (not the domain itself) with *.domain', () => {
    expect(allowed(['*.example.com'], 'https://a.example.com/')).toBe(true);
    expect(allowed(['*.example.com'], 'https://a.b.example.com/')).toBe(true);
    expect(allowed(['*.example.com'], 'https://example.com/')).toBe(false);
    expect(allowed(['*.example.com'], 'https://badexample.com/')).toBe(false);
  });

  it('matches IP literals however they are written', () => {
    expect(allowed(['127.0.0.1'], 'http://2130706433/')).toBe(true);
    expect(allowed(['[2001:DB8::1]:8080'], 'http://[2001:db8:0::1]:8080/')).toBe(true);
    expect(allowed(['203.0.113.5'], 'http://203.0.113.6/')).toBe(false);
  });

  it('ignores a trailing dot on the requested name', () => {
    expect(allowed(['api.example.com'], 'https://api.example.com./')).toBe(true);
  });

  it('rejects entries that are not host names, naming the setting', () => {
    expect(() => parseAllowHosts(['http://api.example.com/'])).toThrow(/SCRIPT_HTTP_ALLOW_HOSTS: "http:\/\/api.example.com\/"/);
    expect(() => parseAllowHosts(['api.example.com:99999'])).toThrow(/SCRIPT_HTTP_ALLOW_HOSTS/);
  });
});

describe('SCRIPT_HTTP_ALLOW_PRIVATE', () => {
  it('accepts CIDR ranges and single addresses', () => {
    const list = parseCidrList(['10.1.0.0/16', '127.0.0.1', 'fd00::/8']);
    expect(list.check('10.1.200.3', 'ipv4')).toBe(true);
    expect(list.check('10.2.0.1', 'ipv4')).toBe(false);
    expect(list.check('127.0.0.1', 'ipv4')).toBe(true);
    expect(list.check('127.0.0.2', 'ipv4')).toBe(false);
    expect(list.check('fd12::1', 'ipv6')).toBe(true);
  });

  it('rejects entries that are not CIDR ranges, naming the setting', () => {
    expect(() => parseCidrList(['10.0.0.0/33'])).toThrow(/SCRIPT_HTTP_ALLOW_PRIVATE: "10.0.0.0\/33"/);
    expect(() => parseCidrList(['internal.example'])).toThrow(/SCRIPT_HTTP_ALLOW_PRIVATE/);
    expect(() => parseCidrList(['10.0.0.0/x'])).toThrow(/SCRIPT_HTTP_ALLOW_PRIVATE/);
  });
});
