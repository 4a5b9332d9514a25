import { isIPv6 } from 'node:net';

/**
 * What the failure counters of a client address are keyed by: an IPv4 address itself (also when
 * written IPv4-mapped, ::ffff:a.b.c.d), an IPv6 address by its /64. One IPv6 host usually holds a
 * whole /64 and picks new addresses in it at will, so counting per address would let it guess
 * on with each new one.
 */
export function clientKeyOf(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const { hostname } = new URL(`http://[${ip}]/`);
  const groups = expand(hostname.slice(1, -1));
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of an address in the WHATWG URL serialisation (hex, `::` at most once). */
function expand(address: string): number[] {
  const [head = '', tail = ''] = address.split('::');
  const parts = (text: string) => (text ? text.split(':').map((part) => parseInt(part, 16)) : []);
  const [start, end] = [parts(head), parts(tail)];
  return [...start, ...Array<number>(8 - start.length - end.length).fill(0), ...end];
}
