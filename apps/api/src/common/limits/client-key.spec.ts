import fc from 'fast-check';
import { clientKeyOf } from './client-key.js';

/** The eight 16-bit groups of an address fast-check wrote, however it compressed them. */
function groupsOf(address: string): number[] {
  const url = new URL(`http://[${address}]/`);
  const [head = '', tail = ''] = url.hostname.slice(1, -1).split('::');
  const parts = (text: string) => (text ? text.split(':').map((part) => parseInt(part, 16)) : []);
  const [h, t] = [parts(head), parts(tail)];
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

const write = (groups: number[]) => groups.map((group) => group.toString(16)).join(':');

describe('clientKeyOf (the failure counters of a client address)', () => {
  it('keys an IPv4 address by itself, also written IPv4-mapped', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(clientKeyOf(ip)).toBe(ip);
        expect(clientKeyOf(`::ffff:${ip}`)).toBe(ip);
      }),
    );
  });

  it('gives every IPv6 address of one /64 the same key, however it is written', () => {
    fc.assert(
      fc.property(
        fc.ipV6().filter((ip) => !ip.includes('.')),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 4, maxLength: 4 }),
        (ip, interfaceId) => {
          const groups = groupsOf(ip);
          if (groups[0] === 0 && groups[5] === 0xffff) return;
          const neighbour = write([...groups.slice(0, 4), ...interfaceId]);
          expect(clientKeyOf(neighbour)).toBe(clientKeyOf(ip));
          expect(clientKeyOf(ip.toUpperCase())).toBe(clientKeyOf(ip));
        },
      ),
    );
  });

  it('tells two /64 networks apart', () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.ipV6(), (a, b) => {
        const [ga, gb] = [groupsOf(a), groupsOf(b)];
        const mapped = (g: number[]) => g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
        if (mapped(ga) || mapped(gb)) return;
        const samePrefix = ga.slice(0, 4).join() === gb.slice(0, 4).join();
        expect(clientKeyOf(a) === clientKeyOf(b)).toBe(samePrefix);
      }),
    );
  });

  it.each([
    ['compressed', '2001:db8::1', '2001:db8:0:0::/64'],
    ['zeros written out', '2001:0db8:0000:0000:0000:0000:0000:0002', '2001:db8:0:0::/64'],
    ['another /64', '2001:db8:0:1::1', '2001:db8:0:1::/64'],
    ['IPv4-mapped', '::ffff:192.0.2.7', '192.0.2.7'],
    ['IPv4', '192.0.2.7', '192.0.2.7'],
  ])('%s', (_case, ip, key) => {
    expect(clientKeyOf(ip)).toBe(key);
  });
});
