import ipaddr from 'ipaddr.js';

/** An IPv4 subnet with the arithmetic the controller needs to hand out addresses. */
export class Subnet {
  readonly cidr: string;
  readonly prefix: number;
  readonly netmask: string;
  readonly #network: number;
  readonly #broadcast: number;

  private constructor(cidr: string) {
    const [, prefix] = ipaddr.IPv4.parseCIDR(cidr);
    this.prefix = prefix;
    this.#network = toInt(ipaddr.IPv4.networkAddressFromCIDR(cidr));
    this.#broadcast = toInt(ipaddr.IPv4.broadcastAddressFromCIDR(cidr));
    this.cidr = `${fromInt(this.#network)}/${prefix}`;
    this.netmask = ipaddr.IPv4.subnetMaskFromPrefixLength(prefix).toString();
  }

  /** The subnet of an IPv4 CIDR with room for hosts (/30 or larger), or undefined. */
  static parse(cidr: string): Subnet | undefined {
    if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(cidr)) return undefined;
    const subnet = new Subnet(cidr);
    return subnet.prefix <= 30 ? subnet : undefined;
  }

  /** The first usable host address: the conventional gateway. */
  get firstHost(): string {
    return fromInt(this.#network + 1);
  }

  /** True for an address strictly between the network and broadcast addresses. */
  isHost(address: string): boolean {
    if (!ipaddr.IPv4.isValidFourPartDecimal(address)) return false;
    const n = toInt(ipaddr.IPv4.parse(address));
    return n > this.#network && n < this.#broadcast;
  }

  /** The lowest host address not in `used`, or undefined when the subnet is full. */
  nextFree(used: ReadonlySet<string>): string | undefined {
    for (let n = this.#network + 1; n < this.#broadcast; n++) {
      const candidate = fromInt(n);
      if (!used.has(candidate)) return candidate;
    }
    return undefined;
  }
}

function toInt(ip: ipaddr.IPv4): number {
  return ip.octets.reduce((acc, o) => acc * 256 + o, 0);
}

function fromInt(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** True for a valid dotted-quad IPv4 address. */
export function isIpv4(address: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(address);
}
