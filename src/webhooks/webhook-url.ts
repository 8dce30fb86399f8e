// Where a webhook may point: http(s) only, and (against SSRF) never at loopback, private or link-local addresses.
import { BlockList, isIP } from 'node:net';

const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, including cloud metadata at 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved and broadcast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 can reach IPv4 private space
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** True for any address a webhook must not reach from inside the service's network. */
export function isPrivateAddress(address: string): boolean {
  const plain = address.replace(/^\[|\]$/g, '');
  const family = isIP(plain);
  if (family === 4) {
    return NON_PUBLIC.check(plain, 'ipv4');
  }
  if (family === 6) {
    // An IPv4-mapped IPv6 address (::ffff:10.0.0.1, or its hex form) is the IPv4 address.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain);
    if (mapped) {
      return NON_PUBLIC.check(mapped[1], 'ipv4');
    }
    const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(plain);
    if (hexMapped) {
      const [high, low] = [parseInt(hexMapped[1], 16), parseInt(hexMapped[2], 16)];
      return NON_PUBLIC.check(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, 'ipv4');
    }
    return NON_PUBLIC.check(plain, 'ipv6');
  }
  return false;
}

/**
 * The problem with a webhook URL, or null when it is acceptable. Names that resolve to private
 * addresses are refused when sending (see the sender's lookup); here only what the URL itself says.
 */
export function webhookUrlProblem(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `url must use http or https, not ${url.protocol.replace(/:$/, '')}`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'url must not contain a user name or password: the signature authenticates Holdfast';
  }
  if (allowPrivate) {
    return null;
  }
  const host = url.hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host)) {
    return `url must point at a public address, not ${host} (loopback, private and link-local addresses are refused)`;
  }
  return null;
}
