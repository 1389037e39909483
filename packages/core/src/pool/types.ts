/**
 * The kernel's load-balancing table as vigil models it, the same for every backend (IPVS over
 * generic netlink, nftables): what the pool manager wants, what a backend reads back, and the
 * smallest change between the two.
 */
export type IpFamily = 4 | 6;
export type Protocol = 'tcp' | 'udp' | 'sctp';

/** A virtual service: an address and port with a protocol, or a firewall mark. */
export type ServiceKey =
  | { readonly kind: 'address'; readonly family: IpFamily; readonly address: string; readonly port: number; readonly protocol: Protocol }
  | { readonly kind: 'fwmark'; readonly family: IpFamily; readonly fwmark: number };

export interface ServiceFlags {
  readonly persistent?: boolean;
  readonly onePacket?: boolean;
  readonly shFallback?: boolean;
  readonly shPort?: boolean;
  readonly mhFallback?: boolean;
  readonly mhPort?: boolean;
}

export interface ServiceSpec {
  readonly key: ServiceKey;
  /** IPVS scheduler name: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos. */
  readonly scheduler: string;
  readonly flags: ServiceFlags;
  /** Persistence timeout in seconds (0 = none). */
  readonly timeout: number;
  /** Persistence granularity: an IPv4 netmask as a prefix length, or an IPv6 prefix length. */
  readonly netmaskPrefix: number;
  /** persistence_engine (e.g. sip), when set. */
  readonly persistenceEngine?: string;
}

/** How packets reach a real server (IPVS "forwarding method"). */
export type Forwarding = 'nat' | 'dr' | 'tun';

export interface TunnelSpec {
  readonly type: 'ipip' | 'gue' | 'gre';
  readonly port?: number;
  readonly checksum?: 'nocsum' | 'csum' | 'remcsum';
}

export interface DestinationSpec {
  readonly family: IpFamily;
  readonly address: string;
  readonly port: number;
  readonly forwarding: Forwarding;
  /** 0 keeps the destination but sends it no new connections (inhibit_on_failure). */
  readonly weight: number;
  readonly upperThreshold: number;
  readonly lowerThreshold: number;
  readonly tunnel?: TunnelSpec;
}

/** One service and its destinations, keyed by `destinationId`. */
export interface PoolService {
  readonly service: ServiceSpec;
  readonly destinations: ReadonlyMap<string, DestinationSpec>;
}

/** A whole table, keyed by `serviceId`. */
export type PoolTable = ReadonlyMap<string, PoolService>;

export function serviceId(key: ServiceKey): string {
  return key.kind === 'fwmark' ? `fwmark:${key.family}:${key.fwmark}` : `${key.protocol}:${key.family === 6 ? `[${key.address}]` : key.address}:${key.port}`;
}

export function destinationId(d: Pick<DestinationSpec, 'family' | 'address' | 'port'>): string {
  return `${d.family === 6 ? `[${d.address}]` : d.address}:${d.port}`;
}

/** The smallest change that turns one table into another. Applied in this order. */
export interface PoolPlan {
  readonly addServices: readonly ServiceSpec[];
  readonly editServices: readonly ServiceSpec[];
  readonly addDestinations: readonly { readonly service: ServiceKey; readonly destination: DestinationSpec }[];
  readonly editDestinations: readonly { readonly service: ServiceKey; readonly destination: DestinationSpec }[];
  readonly deleteDestinations: readonly { readonly service: ServiceKey; readonly destination: DestinationSpec }[];
  readonly deleteServices: readonly ServiceKey[];
}

/** A kernel data plane. Backends never decide what the table should be; they read and apply. */
export interface PoolBackend {
  readonly name: 'ipvs' | 'nftables';
  /** Whether this kernel can run this backend (module loaded or loadable, tool present). */
  available(): Promise<boolean>;
  /** The table as the kernel has it now (for IPVS, every service: the reconcile loop picks vigil's). */
  read(): Promise<PoolTable>;
  apply(plan: PoolPlan): Promise<void>;
  close(): Promise<void>;
}
