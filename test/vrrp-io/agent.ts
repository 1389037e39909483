// A helper process that a test runs inside one of its network namespaces (`ip netns exec NS node agent.js`): it
// drives vigil's VRRP I/O layer there, since netlink and raw sockets act in the namespace of their process.
// Protocol: one JSON request per line on stdin ({ id, op, args }), one JSON answer per line on stdout
// ({ id, ok, result | error }); what it observes (packets, netlink events) comes as { event, ... } lines.
// It exits when stdin closes.
import { createInterface } from 'node:readline';
import {
  GarpSender,
  NetlinkManager,
  VrrpTransport,
  type AddressSpec,
  type MacvlanSpec,
  type NetlinkWatch,
  type RouteAddMode,
  type RouteSpec,
  type RuleSpec,
} from '@vigil/core/vrrp-io';

interface Request {
  readonly id: number;
  readonly op: string;
  readonly args?: Record<string, unknown>;
}

const netlink = NetlinkManager.open();
const transports = new Map<string, VrrpTransport>();
let watch: NetlinkWatch | undefined;

function write(line: unknown): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function describe(err: unknown): Record<string, unknown> {
  const e = err as Record<string, unknown>;
  return { name: e.name, message: e.message, code: e.code, errno: e.errno, errnoCode: e.errnoCode };
}

function transport(id: unknown): VrrpTransport {
  const t = transports.get(String(id));
  if (!t) throw new Error(`no transport '${String(id)}'`);
  return t;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the requests are the test's own JSON */
const ops: Record<string, (a: any) => unknown> = {
  getLink: (a) => netlink.getLink(a.link),
  listLinks: () => netlink.listLinks(),
  setLinkUp: (a) => netlink.setLinkUp(a.link, a.up),
  createMacvlan: (a) => netlink.createMacvlan(a as MacvlanSpec),
  deleteLink: (a) => netlink.deleteLink(a.link),
  addAddress: (a) => netlink.addAddress(a.spec as AddressSpec, a.options ?? {}),
  removeAddress: (a) => netlink.removeAddress(a.spec as AddressSpec),
  listAddresses: (a) => netlink.listAddresses(a ?? {}),
  addRoute: (a) => netlink.addRoute(a.spec as RouteSpec, { mode: a.mode as RouteAddMode | undefined }),
  removeRoute: (a) => netlink.removeRoute(a.spec as RouteSpec),
  listRoutes: (a) => netlink.listRoutes(a ?? {}),
  addRule: (a) => netlink.addRule(a.spec as RuleSpec),
  removeRule: (a) => netlink.removeRule(a.spec as RuleSpec),
  listRules: (a) => netlink.listRules(a ?? {}),

  /** Sends gratuitous ARPs / unsolicited NAs for `addresses` out of `ifname`, with its MAC. */
  garp: async (a) => {
    const link = await netlink.getLink(a.ifname);
    const errors: unknown[] = [];
    const sender = new GarpSender({ ifindex: link.ifindex, ifname: link.name, mac: link.mac ?? '' }, { onError: (e) => errors.push(describe(e)) });
    try {
      return { ...(await sender.burst(a.addresses, a.options ?? {})), errors };
    } finally {
      sender.close();
    }
  },

  openTransport: async (a) => {
    const link = await netlink.getLink(a.ifname);
    const id = String(a.id);
    const t = VrrpTransport.open({
      family: a.family,
      ifname: link.name,
      ifindex: link.ifindex,
      multicast: a.multicast,
      onPacket: (p) => write({ event: 'packet', transport: id, packet: { ...p, data: p.data.toString('hex') } }),
      onError: (e) => write({ event: 'read-error', transport: id, error: describe(e) }),
    });
    transports.set(id, t);
    return { ifindex: link.ifindex };
  },
  send: (a) => transport(a.id).send(Buffer.from(a.hex, 'hex'), a.destination),
  sendDatagram: (a) => transport(a.id).sendDatagram(Buffer.from(a.hex, 'hex')),
  transportStats: (a) => transport(a.id).stats,
  closeTransport: (a) => {
    transport(a.id).close();
    transports.delete(String(a.id));
  },

  watch: async () => {
    watch ??= await netlink.watch((event) => write({ event: 'netlink', netlink: event }), { onError: (e) => write({ event: 'watch-error', error: describe(e) }) });
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

async function handle(req: Request): Promise<void> {
  try {
    const op = ops[req.op];
    if (!op) throw new Error(`unknown op '${req.op}'`);
    write({ id: req.id, ok: true, result: (await op(req.args ?? {})) ?? null });
  } catch (err) {
    write({ id: req.id, ok: false, error: describe(err) });
  }
}

function shutdown(): void {
  watch?.close();
  for (const t of transports.values()) t.close();
  netlink.close();
  process.exit(0);
}

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line.trim()) void handle(JSON.parse(line) as Request);
});
input.on('close', shutdown);
process.on('SIGTERM', shutdown);
write({ ready: true });
