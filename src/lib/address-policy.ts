// Which IP addresses an outbound fetch may connect to. Only public unicast addresses are allowed by
// default: loopback, private, link-local (cloud metadata), CGNAT, multicast, reserved and
// documentation ranges are refused, and an IPv6 address carrying an IPv4 one (mapped, translated,
// NAT64, 6to4) is judged by the IPv4 address it carries. Operators open exceptions with CIDRs.
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
export type Cidr = [Address, number];

export interface AddressVerdict {
  allowed: boolean;
  /** ipaddr.js's name of the range ('unicast', 'private', 'loopback', 'linkLocal', …), prefixed with the IPv6 carrier for embedded IPv4. */
  range: string;
}

/** Ranges whose IPv6 addresses carry an IPv4 address the packets may end up at. */
const CARRIERS_OF_IPV4 = new Set(['ipv4Mapped', 'rfc6145', 'rfc6052', '6to4']);
/** Global unicast (2000::/3): everything outside it that ipaddr.js calls 'unicast' is unassigned or IPv4-compatible (::a.b.c.d). */
const GLOBAL_UNICAST: Cidr = [ipaddr.IPv6.parse('2000::'), 3];
/** RFC 8215 local-use NAT64 prefix: what it translates to is the network's own business. */
const LOCAL_NAT64: Cidr = [ipaddr.IPv6.parse('64:ff9b:1::'), 48];

/** Parses `a.b.c.d/n` or `x::y/n` strictly; null when it is not one. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const address = text.slice(0, slash);
  if (!ipaddr.IPv4.isValidFourPartDecimal(address) && !ipaddr.IPv6.isValid(address)) return null;
  try {
    return ipaddr.parseCIDR(text);
  } catch {
    return null;
  }
}

/** Parses an address as a resolver or the URL parser writes it (dotted quad or IPv6); null otherwise. */
export function parseAddress(text: string): Address | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return null;
}

function embeddedIPv4(v6: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const p = v6.parts;
  const fromWords = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  switch (range) {
    case 'ipv4Mapped':
      return v6.toIPv4Address();
    case 'rfc6145':
    case 'rfc6052':
      return fromWords(p[6]!, p[7]!);
    case '6to4':
      return fromWords(p[1]!, p[2]!);
    default:
      return null;
  }
}

/** The range an address is in, and whether it is a public unicast one; embedded IPv4 judged as IPv4. */
export function classifyAddress(address: Address): AddressVerdict {
  if (address.kind() === 'ipv4') {
    const range = address.range();
    return { allowed: range === 'unicast', range };
  }
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  if (CARRIERS_OF_IPV4.has(range)) {
    if (v6.match(LOCAL_NAT64)) return { allowed: false, range };
    const inner = classifyAddress(embeddedIPv4(v6, range)!);
    return { allowed: inner.allowed, range: `${range}:${inner.range}` };
  }
  if (range !== 'unicast') return { allowed: false, range };
  if (!v6.match(GLOBAL_UNICAST)) return { allowed: false, range: 'reserved' };
  return { allowed: true, range };
}

export class AddressPolicy {
  readonly #allowed: readonly Cidr[];

  /** allowCidrs: ranges allowed whatever they are (a media server on the LAN, tests on 127.0.0.1). */
  constructor(allowCidrs: readonly string[] = []) {
    this.#allowed = allowCidrs.map((text) => {
      const cidr = parseCidr(text);
      if (!cidr) throw new Error(`not a CIDR range: ${text}`);
      return cidr;
    });
  }

  /** Whether a fetch may connect to this address (text as a resolver gives it); unparseable text is refused. */
  check(text: string): AddressVerdict {
    const address = parseAddress(text);
    if (!address) return { allowed: false, range: 'invalid' };
    const verdict = classifyAddress(address);
    if (verdict.allowed) return verdict;
    // An IPv4-mapped address reaches the IPv4 one: an allowed IPv4 range covers it too.
    const candidates: Address[] = [address];
    if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) candidates.push((address as ipaddr.IPv6).toIPv4Address());
    for (const [net, bits] of this.#allowed) {
      if (candidates.some((a) => a.kind() === net.kind() && a.match(net, bits))) return { allowed: true, range: verdict.range };
    }
    return verdict;
  }
}
