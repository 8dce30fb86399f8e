// Inside stays inside: every URL a user gives (images, Mastodon and Bluesky instances, webhooks) may reach
// public unicast addresses only, checked on the URL, again at every connection (DNS answers and redirects
// included), unless ALLOW_PRIVATE_NETWORK=true. Operator-set platform base URLs do not go through here.
import ipaddr from 'ipaddr.js';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, type AgentOptions as HttpAgentOptions } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { ValidateBy, type ValidationOptions } from 'class-validator';
import type { Duplex } from 'node:stream';
import { Agent as UndiciAgent, buildConnector, type Dispatcher } from 'undici';

/** What a refused connection says: the same words whatever the address was, so nothing is learnt about the inside. */
export const PRIVATE_ADDRESS_REFUSED = 'refused: the address is private';

/** Thrown (or passed to a socket's callback) when a connection would reach a non-public address. */
export class PrivateAddressError extends Error {
  readonly code = 'ERR_PRIVATE_ADDRESS';
  constructor() {
    super(PRIVATE_ADDRESS_REFUSED);
    this.name = 'PrivateAddressError';
  }
}

/** ::/96 (IPv4-compatible IPv6, deprecated) carries an IPv4 address; ipaddr.js calls it unicast. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/**
 * True only for a public unicast IP address. ipaddr.js names every special range (loopback, private,
 * link-local, CGNAT, 6to4, Teredo, NAT64, site-local, discard, documentation, multicast, reserved …);
 * anything not plain `unicast` is refused. IPv4-mapped IPv6 is judged as the IPv4 address it maps.
 */
export function isPublicAddress(address: string): boolean {
  const plain = address.replace(/^\[|\]$/g, '');
  if (!isIP(plain.split('%')[0])) {
    return false;
  }
  const parsed = ipaddr.process(plain.split('%')[0]);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).match(IPV4_COMPATIBLE)) {
    return false;
  }
  return parsed.range() === 'unicast';
}

/** True for an IP literal that must not be reached; false for names (they are checked when resolved). */
export function isPrivateAddress(address: string): boolean {
  const plain = address.replace(/^\[|\]$/g, '').split('%')[0];
  return isIP(plain) !== 0 && !isPublicAddress(plain);
}

/**
 * The problem with a user-given URL, or null. Only what the URL itself says: a name resolving inside is
 * refused when connecting. The WHATWG parser has already turned 0x7f000001, 2130706433 or 0x7f.1 into 127.0.0.1.
 */
export function urlProblem(raw: string, allowPrivate: boolean, field = 'url', isPublic = isPublicAddress): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${field} must be an absolute http(s) URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `${field} must use http or https, not ${url.protocol.replace(/:$/, '')}`;
  }
  if (allowPrivate) {
    return null;
  }
  if (namesPrivateHost(url, isPublic)) {
    return `${field} must point at a public address, not ${url.hostname} (loopback, private and link-local addresses are refused)`;
  }
  return null;
}

/** True when the URL's host is localhost or a literal non-public address. */
function namesPrivateHost(url: URL, isPublic = isPublicAddress): boolean {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  const plain = host.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || (isIP(plain) !== 0 && !isPublic(plain));
}

/**
 * True when `error` (or any of its causes) is a refusal of this policy. By message too: Node's fetch hands
 * a lookup's error back as a new Error carrying only its text.
 */
export function isPrivateAddressRefusal(error: unknown): boolean {
  for (let cause: unknown = error, depth = 0; cause !== null && typeof cause === 'object' && depth < 8; depth++) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (code === 'ERR_PRIVATE_ADDRESS' || (typeof message === 'string' && message.includes(PRIVATE_ADDRESS_REFUSED))) {
      return true;
    }
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/** Resolves a host name to all its addresses (dns.lookup semantics: hosts file included). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

export interface NetworkPolicyOptions {
  /** ALLOW_PRIVATE_NETWORK=true: development and tests on loopback. */
  allowPrivate: boolean;
  /** Which resolved or literal addresses may be reached; tests only (to play a public host on loopback). */
  isPublic?: (address: string) => boolean;
}

/** The guarded HTTP clients every user-given URL goes through. One per application (connection pools). */
export class NetworkPolicy {
  readonly allowPrivate: boolean;
  /** Swappable so tests can make a name resolve to a private address without any DNS. */
  resolve: Resolve = systemResolve;
  private readonly dispatcher: Dispatcher;
  private readonly agents: { destroy(): unknown }[] = [];
  private readonly isPublic: (address: string) => boolean;

  constructor(options: NetworkPolicyOptions) {
    this.allowPrivate = options.allowPrivate;
    this.isPublic = options.isPublic ?? isPublicAddress;
    const connect = buildConnector({ lookup: this.lookup });
    this.dispatcher = new UndiciAgent({
      connect: (opts, callback) => {
        if (this.refusesHost(opts.hostname)) {
          callback(new PrivateAddressError(), null);
          return;
        }
        connect(opts, callback);
      },
    });
  }

  /** The problem with a user-given URL under this policy, or null. */
  urlProblem(raw: string, field = 'url'): string | null {
    return urlProblem(raw, this.allowPrivate, field, this.isPublic);
  }

  /**
   * A lookup for sockets: resolves, and refuses the name if any of its addresses is not public (a DNS
   * answer cannot steer a connection inside, whichever address the socket would pick).
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname).then(
      (all) => {
        if (!this.allowPrivate && all.some((entry) => !this.isPublic(entry.address))) {
          callback(new PrivateAddressError(), '', 4);
          return;
        }
        const wanted = options.family === 4 || options.family === 6 ? all.filter((entry) => entry.family === options.family) : all;
        if (wanted.length === 0) {
          callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), '', 4);
        } else if (options.all) {
          (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, wanted);
        } else {
          callback(null, wanted[0].address, wanted[0].family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 4),
    );
  };

  /** Node http(s) agents (axios) that apply the policy to every connection they open, redirects included. */
  nodeAgents(options: HttpAgentOptions & HttpsAgentOptions = {}): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
    // Literal IP hosts never reach a lookup: each agent checks the host itself before connecting.
    const guard = <O extends { host?: string | null }>(connectionOptions: O, callback: (error: Error | null, socket: Duplex) => void): boolean => {
      if (this.refusesHost(connectionOptions.host ?? '')) {
        process.nextTick(() => callback(new PrivateAddressError(), undefined as unknown as Duplex));
        return false;
      }
      return true;
    };
    const lookup = this.lookup;
    class GuardedHttpAgent extends HttpAgent {
      override createConnection(connectionOptions: Parameters<HttpAgent['createConnection']>[0], callback: (error: Error | null, socket: Duplex) => void): Duplex {
        return (guard(connectionOptions, callback) ? super.createConnection({ ...connectionOptions, lookup }, callback) : undefined) as Duplex;
      }
    }
    class GuardedHttpsAgent extends HttpsAgent {
      override createConnection(connectionOptions: Parameters<HttpAgent['createConnection']>[0], callback: (error: Error | null, socket: Duplex) => void): Duplex {
        return (guard(connectionOptions, callback) ? super.createConnection({ ...connectionOptions, lookup }, callback) : undefined) as Duplex;
      }
    }
    const agents = this.allowPrivate
      ? { httpAgent: new HttpAgent(options), httpsAgent: new HttpsAgent(options) }
      : { httpAgent: new GuardedHttpAgent(options), httpsAgent: new GuardedHttpsAgent(options) };
    this.agents.push(agents.httpAgent, agents.httpsAgent);
    return agents;
  }

  /**
   * The global fetch() with a dispatcher whose every connection (redirects included) obeys the policy. Node 20's
   * fetch is undici 6 and takes an undici 6 dispatcher (the package is pinned to that major for this reason).
   */
  readonly fetch: typeof fetch = (input, init) => fetch(input, { ...init, dispatcher: this.dispatcher });

  /** Ends every pooled connection (application shutdown). */
  async onApplicationShutdown(): Promise<void> {
    this.agents.forEach((agent) => agent.destroy());
    await this.dispatcher.close().catch(() => undefined);
  }

  /** A literal IP host (sockets skip the lookup for those). */
  private refusesHost(host: string): boolean {
    const plain = host.replace(/^\[|\]$/g, '');
    return !this.allowPrivate && isIP(plain.split('%')[0]) !== 0 && !this.isPublic(plain);
  }
}

/** The validation group of the public-address checks on DTOs: the global pipe leaves it out when private networks are allowed. */
export const PUBLIC_NETWORK_GROUP = 'public-network';

/** Groups for the global ValidationPipe (with `always: true`, every ungrouped check runs as before). */
export function validationGroups(allowPrivate: boolean): string[] {
  return [allowPrivate ? 'private-network-allowed' : PUBLIC_NETWORK_GROUP];
}

/** A user-given URL must not name a loopback, private or link-local address (400 at create time). */
export function IsPublicUrl(validationOptions: ValidationOptions = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPublicUrl',
      validator: {
        // Only the address: whether it is a URL at all is @IsUrl's to say.
        validate: (value: unknown): boolean => typeof value !== 'string' || !URL.canParse(value) || !namesPrivateHost(new URL(value)),
        defaultMessage: (args) =>
          `${validationOptions.each ? 'each of ' : ''}${args?.property ?? 'url'} must point at a public address (loopback, private and link-local addresses are refused)`,
      },
    },
    { ...validationOptions, groups: [PUBLIC_NETWORK_GROUP] },
  );
}
