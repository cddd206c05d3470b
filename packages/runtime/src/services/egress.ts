import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import ipaddr from 'ipaddr.js';
import { PermanentServiceError } from './registry.js';

/**
 * The egress policy of every outbound call a tenant's flow can make: the host name is resolved
 * (all its addresses), and a call to anything but a public unicast address (loopback, private,
 * link-local incl. cloud metadata, CGNAT, unique-local, multicast, unspecified, IPv4-mapped
 * forms of those...) is refused unless an operator (`EXFLOW_EGRESS_ALLOW`) or a platform admin
 * (`/api/v1/egress-allow`) allow-listed the host or its network. The connection is made to the
 * very address that was checked, so a DNS answer that changes in between cannot slip through.
 */

/** A call the egress policy refuses: never retried, and the message says why and how to allow it. */
export class EgressRefusedError extends PermanentServiceError {
  readonly code = 'egress.refused';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(
      `egress.refused: ${host === address ? address : `${host} (${address})`} is ${reason}; ` +
        'a platform admin can allow-list the host or network (POST /api/v1/egress-allow), an operator with EXFLOW_EGRESS_ALLOW',
    );
    this.name = 'EgressRefusedError';
  }
}

const REASONS: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT (100.64/10)',
  uniqueLocal: 'unique-local (fc00::/7)',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
  reserved: 'reserved',
};

/** Why an address may not be called (`'loopback'`, `'private'`...), or `null` for a public unicast address. */
export function forbiddenRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  // ::ffff:127.0.0.1 is 127.0.0.1: judged as the IPv4 address it carries
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? null : (REASONS[range] ?? `in the ${range} range`);
}

/** An allow-list entry: a host name (exact, case-insensitive), an IP address or a CIDR network. */
export type AllowEntry = { host: string } | { network: [ipaddr.IPv4 | ipaddr.IPv6, number] };

/** Parses an entry as written (`erp.internal`, `10.1.2.3`, `10.0.0.0/8`, `fd00::/8`), or null when it is none of these. */
export function parseAllowEntry(text: string): AllowEntry | null {
  const entry = text.trim().toLowerCase();
  if (entry.includes('/')) {
    if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(entry) && !ipaddr.IPv6.isValidCIDR(entry)) return null;
    try {
      const [address, bits] = ipaddr.parseCIDR(entry);
      // ::ffff:10.0.0.0/104 is 10.0.0.0/8: addresses are compared after the same mapping
      if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress()) return { network: [address.toIPv4Address(), Math.max(0, bits - 96)] };
      return { network: [address, bits] };
    } catch {
      return null;
    }
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(entry) || ipaddr.IPv6.isValid(entry)) {
    const address = ipaddr.process(entry);
    return { network: [address, address.kind() === 'ipv4' ? 32 : 128] };
  }
  return /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(entry) ? { host: entry } : null;
}

/** `EXFLOW_EGRESS_ALLOW` as a list; an entry that does not parse stops the start, with its text. */
export function parseAllowList(text: string | undefined): string[] {
  const entries = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (!parseAllowEntry(entry)) throw new Error(`EXFLOW_EGRESS_ALLOW: "${entry}" is not a host name, an IP address or a CIDR network (e.g. 10.0.0.0/8)`);
  }
  return entries;
}

function allowed(host: string, address: string, entries: AllowEntry[]): boolean {
  const ip = ipaddr.process(address);
  return entries.some((e) => ('host' in e ? e.host === host : e.network[0].kind() === ip.kind() && ip.match(e.network)));
}

const resolveAll = (host: string) =>
  new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(new PermanentServiceError(`egress: cannot resolve ${host}: ${error.code ?? error.message}`)) : resolve(addresses),
    ),
  );

/**
 * Resolves the URL's host and checks every address it resolves to; answers the address to
 * connect to. Throws `EgressRefusedError` naming the first forbidden one.
 */
export async function checkEgress(url: URL, allowList: string[]): Promise<LookupAddress> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PermanentServiceError(`egress: ${url.protocol} URLs are not called; use http(s)`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const entries = allowList.map(parseAllowEntry).filter((e): e is AllowEntry => e !== null);
  const addresses = await resolveAll(host);
  if (addresses.length === 0) throw new PermanentServiceError(`egress: ${host} resolves to no address`);
  for (const { address } of addresses) {
    const reason = forbiddenRange(address);
    if (reason && !allowed(host, address, entries)) throw new EgressRefusedError(host, address, reason);
  }
  return addresses[0];
}

export interface EgressRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** Host names, addresses and networks the policy lets through although not public. */
  allowList: string[];
  /** Redirects followed, each target checked again (default 3). */
  maxRedirects?: number;
}

export interface EgressResponse {
  status: number;
  url: string;
  /** Reads at most `maxBytes` of the answer; more is an error, the rest is never read. */
  text(maxBytes: number): Promise<string>;
  discard(): void;
}

function send(url: URL, target: LookupAddress, init: EgressRequest): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: init.method,
      headers: init.body === undefined ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
      signal: init.signal,
      // the host name stays in the URL (Host header, TLS server name); the socket goes to the checked address
      lookup: ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
        options.all ? callback(null, [target]) : callback(null, target.address, target.family)) as never,
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end(init.body);
  });
}

/**
 * An HTTP(S) request under the egress policy: every hop (the URL and each redirect target) is
 * resolved and checked, and connected to at the checked address. 301/302/303 turn a POST into
 * a GET without body, as browsers do; 307/308 repeat it.
 */
export async function egressFetch(url: string, init: EgressRequest): Promise<EgressResponse> {
  let current = new URL(url);
  let hop = { ...init };
  for (let redirects = 0; ; redirects++) {
    const target = await checkEgress(current, init.allowList);
    const response = await send(current, target, hop);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location) {
      response.resume();
      if (redirects >= (init.maxRedirects ?? 3)) throw new PermanentServiceError(`egress: more than ${init.maxRedirects ?? 3} redirects from ${url}`);
      current = new URL(location, current);
      if (status === 303 || ((status === 301 || status === 302) && hop.method === 'POST')) {
        const { 'content-type': _type, ...headers } = hop.headers;
        hop = { ...hop, method: 'GET', headers, body: undefined };
      }
      continue;
    }
    return {
      status,
      url: current.toString(),
      discard: () => response.destroy(),
      text: (maxBytes) =>
        new Promise((resolve, reject) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              response.destroy();
              reject(new PermanentServiceError(`egress: the answer of ${current.host} is larger than ${maxBytes} bytes`));
            } else chunks.push(chunk);
          });
          response.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          response.once('error', reject);
        }),
    };
  }
}
