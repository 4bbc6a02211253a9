/**
 * Outbound HTTP for scripts, safe against server-side request forgery. A script may only reach hosts an
 * operator listed in SCRIPT_HTTP_ALLOW_HOSTS, and never an internal address (loopback, private, link-local,
 * CGNAT, multicast, reserved, IPv4-mapped forms of those …) unless the address is inside a CIDR of
 * SCRIPT_HTTP_ALLOW_PRIVATE. The address check runs inside the lookup the socket itself uses, so a name
 * cannot resolve to a public address for a check and to a private one for the connection (DNS rebinding);
 * IP literals, which skip the lookup, are checked before the request. Redirects are followed by hand, each
 * hop checked again. Time and response size are bounded; errors are short `ScriptServiceError`s.
 */
import dns from 'node:dns';
import net, { BlockList } from 'node:net';
import { Agent, request as undiciRequest } from 'undici';
import { ConfigError, type Config } from '../../config.ts';
import { ScriptServiceError } from './errors.ts';

export interface ScriptHttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
}
export interface ScriptHttpResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the content type is JSON, else text. */
  body: unknown;
}
export interface ScriptHttp {
  request(req: ScriptHttpRequest, signal?: AbortSignal): Promise<ScriptHttpResponse>;
}
/** What `createScriptHttp` returns: `close()` ends its kept-alive connections (on shutdown). */
export interface ScriptHttpClient extends ScriptHttp {
  close(): Promise<void>;
}

type HttpConfig = Pick<
  Config,
  'scriptHttpAllowHosts' | 'scriptHttpAllowPrivate' | 'scriptHttpTimeoutMs' | 'scriptHttpMaxResponseBytes'
>;

const MAX_REDIRECTS = 5;
const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);
/** Set by Portico (or meaningless per hop); a script setting them could smuggle requests or confuse proxies. */
const STRIPPED_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'content-length',
  // Bodies are returned as text/JSON, never decompressed: ask for them uncompressed.
  'accept-encoding',
]);
/** Headers that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie'];

// ---------------------------------------------------------------------------------------------------------
// Address classification

export type AddressClass =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'cgnat'
  | 'multicast'
  | 'reserved';

/** IANA special-purpose ranges a script must not reach, by the reason shown in the error. */
const SPECIAL_RANGES: ReadonlyArray<readonly [AddressClass, string, number, 'ipv4' | 'ipv6']> = [
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['cgnat', '100.64.0.0', 10, 'ipv4'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['reserved', '192.0.0.0', 24, 'ipv4'], // IETF protocol assignments
  ['reserved', '192.0.2.0', 24, 'ipv4'], // documentation
  ['reserved', '192.88.99.0', 24, 'ipv4'], // 6to4 relay anycast
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['reserved', '198.18.0.0', 15, 'ipv4'], // benchmarking
  ['reserved', '198.51.100.0', 24, 'ipv4'], // documentation
  ['reserved', '203.0.113.0', 24, 'ipv4'], // documentation
  ['multicast', '224.0.0.0', 4, 'ipv4'],
  ['reserved', '240.0.0.0', 4, 'ipv4'], // incl. broadcast 255.255.255.255
  ['unspecified', '::', 128, 'ipv6'],
  ['loopback', '::1', 128, 'ipv6'],
  ['reserved', '::', 96, 'ipv6'], // IPv4-compatible (deprecated)
  ['reserved', '64:ff9b:1::', 48, 'ipv6'], // local-use NAT64
  ['reserved', '100::', 64, 'ipv6'], // discard-only
  ['reserved', '2001::', 23, 'ipv6'], // IETF protocol assignments, Teredo
  ['reserved', '2001:db8::', 32, 'ipv6'], // documentation
  ['reserved', '2002::', 16, 'ipv6'], // 6to4 (embeds arbitrary IPv4)
  ['reserved', '3fff::', 20, 'ipv6'], // documentation
  ['reserved', '5f00::', 16, 'ipv6'], // SRv6 SIDs
  ['unique-local', 'fc00::', 7, 'ipv6'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['reserved', 'fec0::', 10, 'ipv6'], // site-local (deprecated)
  ['multicast', 'ff00::', 8, 'ipv6'],
];

const RANGE_LISTS: ReadonlyArray<readonly [AddressClass, BlockList]> = SPECIAL_RANGES.map(([cls, addr, prefix, type]) => {
  const list = new BlockList();
  list.addSubnet(addr, prefix, type);
  return [cls, list] as const;
});
const GLOBAL_UNICAST_V6 = new BlockList();
GLOBAL_UNICAST_V6.addSubnet('2000::', 3, 'ipv6');

/** The IPv4 address an IPv6 address carries when it is IPv4-mapped (`::ffff:a.b.c.d`) or NAT64 (`64:ff9b::/96`). */
function embeddedIPv4(address: string): string | null {
  const words = ipv6Words(address);
  if (!words) return null;
  const mapped = words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff;
  const nat64 = words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0);
  if (!mapped && !nat64) return null;
  return [words[6]! >> 8, words[6]! & 0xff, words[7]! >> 8, words[7]! & 0xff].join('.');
}

/** The eight 16-bit words of an IPv6 address (with or without a dotted IPv4 tail), or null. */
function ipv6Words(address: string): number[] | null {
  if (net.isIPv6(address) === false) return null;
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1]!.split('.').map(Number);
    text = `${text.slice(0, -dotted[1]!.length)}${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headWords = head ? head.split(':') : [];
  const tailWords = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - headWords.length - tailWords.length).fill('0');
  const words = [...headWords, ...fill, ...tailWords].map((w) => parseInt(w, 16));
  return words.length === 8 ? words : null;
}

/**
 * Why `address` (an IP literal, without brackets) must not be reached, or null for an ordinary public
 * address. IPv4-mapped and NAT64 IPv6 addresses are judged by the IPv4 address they carry; IPv6 outside
 * global unicast (2000::/3) is reserved.
 */
export function classifyAddress(address: string): AddressClass | null {
  const type = net.isIP(address);
  if (type === 0) return 'reserved';
  if (type === 6) {
    const v4 = embeddedIPv4(address);
    if (v4) return classifyAddress(v4);
  }
  const family = type === 4 ? 'ipv4' : 'ipv6';
  for (const [cls, list] of RANGE_LISTS) if (list.check(address, family)) return cls;
  if (family === 'ipv6' && !GLOBAL_UNICAST_V6.check(address, 'ipv6')) return 'reserved';
  return null;
}

/** Parses SCRIPT_HTTP_ALLOW_PRIVATE (CIDRs or single addresses) into a BlockList of exempt addresses. */
export function parseCidrList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [addr = '', prefixText] = entry.trim().split('/');
    const type = net.isIP(addr);
    const max = type === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (type === 0 || !/^\d+$/.test(prefixText ?? String(max)) || prefix > max) {
      throw new ConfigError([`SCRIPT_HTTP_ALLOW_PRIVATE: "${entry}" is not an address or CIDR range (like 10.0.0.0/8)`]);
    }
    list.addSubnet(addr, prefix, type === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/** Null when `address` may be reached; otherwise the reason. */
function blockedReason(address: string, exempt: BlockList): AddressClass | null {
  const cls = classifyAddress(address);
  if (cls === null) return null;
  const type = net.isIP(address);
  if (type === 4 && exempt.check(address, 'ipv4')) return null;
  if (type === 6) {
    if (exempt.check(address, 'ipv6')) return null;
    const v4 = embeddedIPv4(address);
    if (v4 && exempt.check(v4, 'ipv4')) return null;
  }
  return cls;
}

const addressBlocked = (host: string, address: string, reason: AddressClass): ScriptServiceError =>
  new ScriptServiceError(
    'http_address_blocked',
    host === address
      ? `HTTP to ${address} is not allowed: it is a ${reason} address`
      : `HTTP to ${host} is not allowed: it resolves to ${address}, a ${reason} address`,
  );

// ---------------------------------------------------------------------------------------------------------
// Host allow-list

export interface HostRule {
  host: string;
  wildcard: boolean;
  port: number | null;
}

/** The host name as the URL parser writes it (lower case, punycode, IPv4 normalised), without a final dot. */
function normaliseHost(host: string): string | null {
  try {
    return new URL(`http://${host}/`).hostname.replace(/\.$/, '');
  } catch {
    return null;
  }
}

/** Parses SCRIPT_HTTP_ALLOW_HOSTS entries: `api.example.com`, `*.example.com`, `[2001:db8::1]`, each with an optional `:port`. */
export function parseAllowHosts(entries: readonly string[]): HostRule[] {
  return entries.map((raw) => {
    const entry = raw.trim();
    const m = /^(\*\.)?(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(entry);
    const host = m ? normaliseHost(m[2]!) : null;
    const port = m?.[3] === undefined ? null : Number(m[3]);
    if (!m || !host || (port !== null && (port < 1 || port > 65535))) {
      throw new ConfigError([`SCRIPT_HTTP_ALLOW_HOSTS: "${raw}" is not a host name, *.domain or IP address (with an optional :port)`]);
    }
    return { host, wildcard: m[1] !== undefined, port };
  });
}

/** Whether the URL's host (and port, when the rule names one) matches an allow-list rule; `*.x` matches subdomains of x, not x. */
export function isHostAllowed(rules: readonly HostRule[], url: URL): boolean {
  const host = url.hostname.replace(/\.$/, '');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return rules.some(
    (r) => (r.port === null || r.port === port) && (r.wildcard ? host.endsWith(`.${r.host}`) : host === r.host),
  );
}

// ---------------------------------------------------------------------------------------------------------
// The client

export function createScriptHttp(config: HttpConfig): ScriptHttpClient {
  const rules = parseAllowHosts(config.scriptHttpAllowHosts);
  const exempt = parseCidrList(config.scriptHttpAllowPrivate);
  const maxBytes = config.scriptHttpMaxResponseBytes;

  // Every socket this agent opens resolves names through this lookup, which refuses blocked addresses: the
  // addresses checked are exactly the addresses connected to.
  const lookup: net.LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      for (const { address } of addresses) {
        const reason = blockedReason(address, exempt);
        if (reason) return callback(addressBlocked(hostname, address, reason), '', 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
  const agent = new Agent({ connect: { lookup }, keepAliveTimeout: 4000 });

  /** Throws unless `url` may be requested (allow-list, scheme, literal address). */
  const checkUrl = (url: URL): void => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ScriptServiceError('http_host_not_allowed', `HTTP to ${url.protocol} URLs is not allowed (only http: and https:)`);
    }
    if (url.username || url.password) {
      throw new ScriptServiceError('http_invalid_request', 'User names and passwords in URLs are not supported; send an Authorization header');
    }
    if (!isHostAllowed(rules, url)) {
      throw new ScriptServiceError('http_host_not_allowed', `HTTP to ${url.host} is not allowed (add it to SCRIPT_HTTP_ALLOW_HOSTS)`);
    }
    const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (net.isIP(literal)) {
      const reason = blockedReason(literal, exempt);
      if (reason) throw addressBlocked(literal, literal, reason);
    }
  };

  async function request(req: ScriptHttpRequest, signal?: AbortSignal): Promise<ScriptHttpResponse> {
    const method = String(req?.method ?? 'GET').toUpperCase();
    if (!METHODS.has(method)) {
      throw new ScriptServiceError('http_invalid_request', `HTTP method ${method} is not supported (use GET, POST, PUT or DELETE)`);
    }
    let url: URL;
    try {
      url = new URL(String(req.url));
    } catch {
      throw new ScriptServiceError('http_invalid_request', `"${String(req.url).slice(0, 200)}" is not an absolute URL`);
    }
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) {
      if (!STRIPPED_HEADERS.has(k.toLowerCase())) headers[k.toLowerCase()] = String(v);
    }
    let body: string | undefined;
    if (req.body !== undefined && req.body !== null) {
      if (typeof req.body === 'string') {
        body = req.body;
        headers['content-type'] ??= 'text/plain; charset=utf-8';
      } else {
        body = JSON.stringify(req.body);
        headers['content-type'] ??= 'application/json';
      }
    }
    const timeoutMs = Math.min(
      req.timeoutMs !== undefined && Number.isFinite(req.timeoutMs) && req.timeoutMs > 0 ? req.timeoutMs : Infinity,
      config.scriptHttpTimeoutMs,
    );
    const deadline = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([deadline, signal]) : deadline;
    const timedOut = () => new ScriptServiceError('http_timeout', `HTTP request to ${url.host} took longer than ${timeoutMs} ms`);

    let currentMethod = method;
    for (let hop = 0; ; hop++) {
      checkUrl(url);
      if (combined.aborted) throw timedOut();
      let res: Awaited<ReturnType<typeof undiciRequest>>;
      try {
        res = await undiciRequest(url, { dispatcher: agent, method: currentMethod as 'GET', headers, body, signal: combined });
      } catch (err) {
        throw combined.aborted ? timedOut() : failure(err, url);
      }
      const location = res.headers.location;
      if ([301, 302, 303, 307, 308].includes(res.statusCode) && typeof location === 'string') {
        await res.body.dump().catch(() => undefined);
        if (hop >= MAX_REDIRECTS) {
          throw new ScriptServiceError('http_too_many_redirects', `HTTP request to ${url.host} was redirected more than ${MAX_REDIRECTS} times`);
        }
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new ScriptServiceError('http_failed', `HTTP request to ${url.host} was redirected to an invalid URL`);
        }
        if (next.origin !== url.origin) for (const h of CREDENTIAL_HEADERS) delete headers[h];
        // As browsers do: 303 (and 301/302 after a POST) turn into a GET without a body.
        if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && currentMethod === 'POST')) {
          if (currentMethod !== 'GET') {
            currentMethod = 'GET';
            body = undefined;
            delete headers['content-type'];
          }
        }
        url = next;
        continue;
      }
      try {
        return await readResponse(res, url, maxBytes);
      } catch (err) {
        if (err instanceof ScriptServiceError) throw err;
        throw combined.aborted ? timedOut() : failure(err, url);
      }
    }
  }

  return { request, close: () => agent.close() };
}

async function readResponse(
  res: Awaited<ReturnType<typeof undiciRequest>>,
  url: URL,
  maxBytes: number,
): Promise<ScriptHttpResponse> {
  const tooLarge = () =>
    new ScriptServiceError('http_response_too_large', `HTTP response from ${url.host} is larger than ${maxBytes} bytes`);
  const declared = Number(res.headers['content-length']);
  // Destroying the body emits an abort error: swallow it, the caller gets ours.
  const discard = () => res.body.on('error', () => undefined).destroy();
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      discard();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  const type = headers['content-type'] ?? '';
  const charset = /charset="?([\w-]+)/i.exec(type)?.[1];
  let text: string;
  try {
    text = new TextDecoder(charset ?? 'utf-8').decode(Buffer.concat(chunks));
  } catch {
    text = new TextDecoder('utf-8').decode(Buffer.concat(chunks));
  }
  let body: unknown = text;
  if (/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    try {
      body = text.trim() === '' ? null : JSON.parse(text);
    } catch {
      body = text; // not JSON after all: give the script the text rather than nothing
    }
  }
  return { status: res.statusCode, headers, body };
}

/** A network error as a short message (no stack, no internals). */
function failure(err: unknown, url: URL): ScriptServiceError {
  if (err instanceof ScriptServiceError) return err;
  const e = err as { code?: string; cause?: unknown; message?: string };
  if (e?.cause instanceof ScriptServiceError) return e.cause;
  const code = e?.code ?? (e?.cause as { code?: string } | undefined)?.code ?? '';
  if (code === 'UND_ERR_INVALID_ARG') {
    return new ScriptServiceError('http_invalid_request', 'HTTP request is invalid (check header names and values)');
  }
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host name not found',
    EAI_AGAIN: 'host name lookup failed',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    UND_ERR_SOCKET: 'connection closed by the server',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
    UND_ERR_BODY_TIMEOUT: 'response body stalled',
  };
  const reason =
    reasons[code] ?? (/CERT|SSL|TLS/i.test(code) ? `TLS error (${code})` : code ? code.toLowerCase() : 'network error');
  return new ScriptServiceError('http_failed', `HTTP request to ${url.host} failed: ${reason}`);
}
