import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { BatonError } from '../../lib/errors.ts';

/**
 * The SSRF guard for webhook URLs: loopback, private, link-local (cloud metadata at 169.254.169.254
 * and fd00:ec2::254 included), carrier-grade NAT, multicast and reserved addresses are refused after
 * DNS resolution, on the address actually connected to (so a name that resolves differently the
 * second time, DNS rebinding, gains nothing). WEBHOOK_ALLOW_PRIVATE=true lifts it.
 */
const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['64:ff9b::', 96],
] as const)
  blocked.addSubnet(net, bits, 'ipv6');

/** Whether an IP address (v4, v6, or v4-mapped v6) is one webhooks may not reach. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) return blocked.check(address, 'ipv6');
  return true;
}

export const refusedMessage = (host: string, address: string) =>
  `url: ${host} resolves to ${address}, a loopback, private, link-local or metadata address; webhooks may not reach it (set WEBHOOK_ALLOW_PRIVATE=true to allow)`;

/** A `lookup` for http.request that refuses blocked addresses (unless allowed). */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = addresses as { address: string; family: number }[];
      const bad = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (bad) return callback(Object.assign(new Error(refusedMessage(hostname, bad.address)), { code: 'EPRIVATE' }), '', 4);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** Checks a webhook URL when it is saved: its host must resolve, and not to a blocked address. */
export async function vetWebhookUrl(url: string, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host)
    ? [{ address: host }]
    : await new Promise<{ address: string }[]>((resolve, reject) =>
        dnsLookup(host, { all: true }, (err, a) =>
          err ? reject(new BatonError('invalid_input', `url: ${host} does not resolve (${err.code ?? err.message})`, { field: 'url' })) : resolve(a),
        ),
      );
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  if (bad) throw new BatonError('invalid_input', refusedMessage(host, bad.address), { field: 'url' });
}
