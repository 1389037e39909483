/**
 * The IPVS pool backend: talks to the kernel's "IPVS" generic netlink family in-process, through
 * the `netlink` package (raw → netlink → genl), never through ipvsadm.
 *
 * `apply()` pipelines its requests (each with NLM_F_ACK) on one socket with a bounded window: the
 * kernel handles a socket's messages in order, so the plan's order is kept, and one failure stops
 * the rest from being sent (requests already in flight finish).
 */
import { constants as osConstants } from 'node:os';

import { createGenericNetlink, type GenericNetlinkSocket } from 'netlink';

import { destinationId, serviceId, type PoolBackend, type PoolPlan, type PoolService, type PoolTable } from '../types.js';
import { IPVS_GENL_NAME, IpvsCmd } from './ipvs-constants.js';
import {
  formatIpvsMessage,
  msgDelDaemon,
  msgDelDest,
  msgDelService,
  msgGetDaemons,
  msgGetDests,
  msgGetInfo,
  msgGetServices,
  msgNewDaemon,
  msgNewDest,
  msgNewService,
  msgSetDest,
  msgSetService,
  parseDaemonReply,
  parseDestinationReply,
  parseInfoReply,
  parseServiceReply,
  type IpvsInfo,
  type IpvsMessage,
  type SyncDaemonSpec,
} from './ipvs-genl.codec.js';

/** <linux/netlink.h> */
const NLMSG_ERROR = 2;
const NLM_F_DUMP = 0x300;
/** CTRL_CMD_GETFAMILY */
const CTRL_CMD_GETFAMILY = 3;

const ERRNO_NAMES = new Map<number, string>(Object.entries(osConstants.errno).map(([k, v]): [number, string] => [v, k]));

/** A request the kernel refused, with the errno and what was asked. */
export class IpvsError extends Error {
  readonly code = 'VIGIL_ERR_IPVS';
  constructor(
    readonly errno: number,
    readonly cmd: IpvsCmd,
    readonly target: string,
  ) {
    super(`IPVS ${IpvsCmd[cmd]} ${target}: ${ERRNO_NAMES.get(errno) ?? `errno ${errno}`}`);
  }
  /** The errno's name, e.g. EEXIST. */
  get errnoName(): string {
    return ERRNO_NAMES.get(this.errno) ?? String(this.errno);
  }
}

export interface IpvsBackendOptions {
  /** Requests in flight at once during apply() (default 64). */
  readonly window?: number;
  /** Timeout of each request in ms (default 5000). */
  readonly timeoutMs?: number;
}

interface Reply {
  readonly type: number;
  readonly data: Buffer;
}

export class IpvsBackend implements PoolBackend {
  readonly name = 'ipvs' as const;
  private gn: GenericNetlinkSocket | undefined;
  private familyId: number | undefined;
  private readonly window: number;
  private readonly timeoutMs: number;

  constructor(options: IpvsBackendOptions = {}) {
    this.window = Math.max(1, options.window ?? 64);
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  private socket(): GenericNetlinkSocket {
    this.gn ??= createGenericNetlink();
    return this.gn;
  }

  /** Resolves the "IPVS" family id (once); throws when the kernel has no IPVS. */
  async family(): Promise<number> {
    if (this.familyId !== undefined) return this.familyId;
    const [reply] = await this.socket().ctrlRequest(CTRL_CMD_GETFAMILY, { familyName: IPVS_GENL_NAME }, { timeout: this.timeoutMs });
    if (reply?.familyId === undefined) throw new Error(`generic netlink family ${IPVS_GENL_NAME} not found`);
    this.familyId = reply.familyId;
    return this.familyId;
  }

  async available(): Promise<boolean> {
    try {
      await this.family();
      return true;
    } catch {
      return false;
    }
  }

  /** One request; resolves with the reply messages' genl payloads (none for a plain ACK). */
  private async request(m: IpvsMessage, target: string, dump = false): Promise<Buffer[]> {
    const family = await this.family();
    const [msgs] = (await this.socket().socket.request(family, formatIpvsMessage(m), {
      flags: dump ? NLM_F_DUMP : 0,
      timeout: this.timeoutMs,
      checkError: false,
    })) as unknown as [Reply[], unknown];
    const out: Buffer[] = [];
    for (const msg of msgs) {
      if (msg.type === NLMSG_ERROR) {
        const err = -msg.data.readInt32LE(0);
        if (err !== 0) throw new IpvsError(err, m.cmd, target);
        continue;
      }
      out.push(msg.data);
    }
    return out;
  }

  async read(): Promise<PoolTable> {
    const table = new Map<string, PoolService>();
    for (const reply of await this.request(msgGetServices(), 'all', true)) {
      const { spec } = parseServiceReply(reply);
      const destinations = new Map<string, PoolService['destinations'] extends ReadonlyMap<string, infer D> ? D : never>();
      for (const d of await this.request(msgGetDests(spec.key), serviceId(spec.key), true)) {
        const { spec: dest } = parseDestinationReply(d, spec.key.family);
        destinations.set(destinationId(dest), dest);
      }
      table.set(serviceId(spec.key), { service: spec, destinations });
    }
    return table;
  }

  async apply(plan: PoolPlan): Promise<void> {
    const work: [IpvsMessage, string][] = [
      ...plan.addServices.map((s): [IpvsMessage, string] => [msgNewService(s), serviceId(s.key)]),
      ...plan.editServices.map((s): [IpvsMessage, string] => [msgSetService(s), serviceId(s.key)]),
      ...plan.addDestinations.map(({ service, destination }): [IpvsMessage, string] => [
        msgNewDest(service, destination),
        `${serviceId(service)} -> ${destinationId(destination)}`,
      ]),
      ...plan.editDestinations.map(({ service, destination }): [IpvsMessage, string] => [
        msgSetDest(service, destination),
        `${serviceId(service)} -> ${destinationId(destination)}`,
      ]),
      ...plan.deleteDestinations.map(({ service, destination }): [IpvsMessage, string] => [
        msgDelDest(service, destination),
        `${serviceId(service)} -> ${destinationId(destination)}`,
      ]),
      ...plan.deleteServices.map((k): [IpvsMessage, string] => [msgDelService(k), serviceId(k)]),
    ];
    if (work.length === 0) return;
    await this.family();
    let next = 0;
    let failure: unknown;
    const lane = async (): Promise<void> => {
      while (failure === undefined && next < work.length) {
        const item = work[next++];
        if (!item) break;
        try {
          await this.request(item[0], item[1]);
        } catch (e) {
          failure ??= e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.window, work.length) }, lane));
    if (failure !== undefined) throw failure;
  }

  /** IPVS version and connection table size (ipvsadm's first line). */
  async info(): Promise<IpvsInfo> {
    const [reply] = await this.request(msgGetInfo(), 'info');
    if (!reply) throw new Error('IPVS GET_INFO: no reply');
    return parseInfoReply(reply);
  }

  async syncDaemons(): Promise<SyncDaemonSpec[]> {
    return (await this.request(msgGetDaemons(), 'daemons', true)).map(parseDaemonReply);
  }

  async startSyncDaemon(d: SyncDaemonSpec): Promise<void> {
    await this.request(msgNewDaemon(d), `${d.state} ${d.interface}`);
  }

  async stopSyncDaemon(state: SyncDaemonSpec['state']): Promise<void> {
    await this.request(msgDelDaemon(state), state);
  }

  async close(): Promise<void> {
    this.gn?.socket.close();
    this.gn = undefined;
    this.familyId = undefined;
  }
}
