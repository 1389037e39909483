/*
 * The real InstanceIo of a runner: a VrrpTransport on the instance's interface (multicast group joined,
 * TTL 255), VIPs through the shared NetlinkManager, gratuitous ARP / NA through a GarpSender on the
 * interface. Also the lookups params.ts leaves to the caller: the interface's primary address.
 */
import { AddressExistsError, AddressNotFoundError } from '../io/errors.js';
import { GarpSender } from '../io/garp.js';
import type { NetlinkManager } from '../io/netlink.js';
import { VrrpTransport } from '../io/transport.js';
import type { InstanceIo, RunnerPacket } from './instance-runner.js';
import type { InstanceSpec, VipSpec } from './params.js';

/**
 * The primary address of an interface in a family, as Keepalived picks it: the first address that is not
 * secondary (IPv4), the first link-local one (IPv6, the source of VRRPv3 adverts).
 */
export async function primaryAddress(netlink: NetlinkManager, ifindex: number, family: 4 | 6): Promise<string | undefined> {
  const addresses = await netlink.listAddresses({ ifindex, family });
  if (family === 4) return (addresses.find((a) => !a.flags.secondary) ?? addresses[0])?.address;
  return (addresses.find((a) => a.address.toLowerCase().startsWith('fe80:')) ?? addresses[0])?.address;
}

export interface OpenedIo {
  readonly io: InstanceIo;
  readonly primaryAddress: string;
  /** Where the transport delivers packets: set it to the runner's receive. */
  setReceiver(receive: (packet: RunnerPacket) => void): void;
}

export async function openInstanceIo(spec: InstanceSpec, netlink: NetlinkManager, onError: (err: unknown, what: string) => void): Promise<OpenedIo> {
  const link = await netlink.getLink(spec.ifname);
  const primary = spec.sourceAddress ?? (await primaryAddress(netlink, link.ifindex, spec.family));
  if (!primary) throw new Error(`vrrp_instance ${spec.name}: interface ${spec.ifname} has no IPv${spec.family} address to send adverts from`);
  if (!link.mac) throw new Error(`vrrp_instance ${spec.name}: interface ${spec.ifname} has no MAC address`);

  let receiver: (packet: RunnerPacket) => void = () => undefined;
  const transport = VrrpTransport.open({
    family: spec.family,
    ifname: spec.ifname,
    ifindex: link.ifindex,
    ...(spec.group ? { group: spec.group } : {}),
    ...(spec.family === 4 ? { sourceAddress: primary } : {}),
    onPacket: (p) => receiver(p),
    onError: (err) => onError(err, `read on ${spec.ifname}`),
  });
  let garp: GarpSender;
  try {
    garp = new GarpSender({ ifindex: link.ifindex, ifname: spec.ifname, mac: link.mac }, { onError: (err, address) => onError(err, `gratuitous ARP/NA for ${address}`) });
  } catch (err) {
    transport.close();
    throw err;
  }

  const ifindexes = new Map<string, number>([[spec.ifname, link.ifindex]]);
  const ifindexOf = async (dev: string): Promise<number> => {
    const known = ifindexes.get(dev);
    if (known !== undefined) return known;
    const l = await netlink.getLink(dev);
    ifindexes.set(dev, l.ifindex);
    return l.ifindex;
  };
  const addressSpec = async (vip: VipSpec) => ({
    ifindex: await ifindexOf(vip.dev),
    address: vip.address,
    prefixLength: vip.prefixLength,
    ...(vip.label ? { label: vip.label } : {}),
    ...(vip.family === 6 ? { nodad: true } : {}),
  });

  const io: InstanceIo = {
    group: transport.group,
    send: (message) => transport.send(message),
    addAddress: async (vip) => {
      try {
        await netlink.addAddress(await addressSpec(vip));
      } catch (err) {
        if (!(err instanceof AddressExistsError)) throw err;
      }
    },
    removeAddress: async (vip) => {
      try {
        await netlink.removeAddress(await addressSpec(vip));
      } catch (err) {
        if (!(err instanceof AddressNotFoundError)) throw err;
      }
    },
    announce: async (addresses, repeat) => {
      await garp.burst(addresses, { repeat, ...(spec.garpInterval ? { garpInterval: spec.garpInterval } : {}), ...(spec.gnaInterval ? { gnaInterval: spec.gnaInterval } : {}) });
    },
    close: () => {
      transport.close();
      garp.close();
    },
  };
  return { io, primaryAddress: primary, setReceiver: (r) => (receiver = r) };
}
