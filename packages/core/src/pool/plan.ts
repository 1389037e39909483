/**
 * The smallest change between two tables (`planPool`), and the table a plan yields
 * (`applyPlan`), both pure. A deleted service takes its destinations with it, so the plan never
 * lists them; a destination whose forwarding, weight, thresholds or tunnel differ is edited in
 * place (IPVS edits them without dropping connections), never deleted and re-added.
 */
import { destinationId, serviceId, type DestinationSpec, type PoolPlan, type PoolService, type PoolTable, type ServiceKey, type ServiceSpec } from './types.js';

export const EMPTY_PLAN: PoolPlan = { addServices: [], editServices: [], addDestinations: [], editDestinations: [], deleteDestinations: [], deleteServices: [] };

function sameFlags(a: ServiceSpec['flags'], b: ServiceSpec['flags']): boolean {
  const keys = ['persistent', 'onePacket', 'shFallback', 'shPort', 'mhFallback', 'mhPort'] as const;
  return keys.every((k) => (a[k] ?? false) === (b[k] ?? false));
}

export function sameService(a: ServiceSpec, b: ServiceSpec): boolean {
  return (
    serviceId(a.key) === serviceId(b.key) &&
    a.scheduler === b.scheduler &&
    sameFlags(a.flags, b.flags) &&
    a.timeout === b.timeout &&
    a.netmaskPrefix === b.netmaskPrefix &&
    (a.persistenceEngine ?? '') === (b.persistenceEngine ?? '')
  );
}

export function sameDestination(a: DestinationSpec, b: DestinationSpec): boolean {
  const ta = a.forwarding === 'tun' ? a.tunnel : undefined;
  const tb = b.forwarding === 'tun' ? b.tunnel : undefined;
  return (
    destinationId(a) === destinationId(b) &&
    a.forwarding === b.forwarding &&
    a.weight === b.weight &&
    a.upperThreshold === b.upperThreshold &&
    a.lowerThreshold === b.lowerThreshold &&
    (ta?.type ?? 'ipip') === (tb?.type ?? 'ipip') &&
    (ta?.port ?? 0) === (tb?.port ?? 0) &&
    (ta?.checksum ?? 'nocsum') === (tb?.checksum ?? 'nocsum')
  );
}

/** The plan that turns `current` into `desired`. Entries are in table order (deterministic). */
export function planPool(current: PoolTable, desired: PoolTable): PoolPlan {
  const addServices: ServiceSpec[] = [];
  const editServices: ServiceSpec[] = [];
  const addDestinations: { service: ServiceKey; destination: DestinationSpec }[] = [];
  const editDestinations: { service: ServiceKey; destination: DestinationSpec }[] = [];
  const deleteDestinations: { service: ServiceKey; destination: DestinationSpec }[] = [];
  const deleteServices: ServiceKey[] = [];

  for (const [id, want] of desired) {
    const have = current.get(id);
    const key = want.service.key;
    if (!have) {
      addServices.push(want.service);
      for (const d of want.destinations.values()) addDestinations.push({ service: key, destination: d });
      continue;
    }
    if (!sameService(have.service, want.service)) editServices.push(want.service);
    for (const [did, d] of want.destinations) {
      const old = have.destinations.get(did);
      if (!old) addDestinations.push({ service: key, destination: d });
      else if (!sameDestination(old, d)) editDestinations.push({ service: key, destination: d });
    }
    for (const [did, d] of have.destinations) if (!want.destinations.has(did)) deleteDestinations.push({ service: key, destination: d });
  }
  for (const [id, have] of current) if (!desired.has(id)) deleteServices.push(have.service.key);
  return { addServices, editServices, addDestinations, editDestinations, deleteDestinations, deleteServices };
}

export function isEmptyPlan(p: PoolPlan): boolean {
  return p.addServices.length + p.editServices.length + p.addDestinations.length + p.editDestinations.length + p.deleteDestinations.length + p.deleteServices.length === 0;
}

export function planSize(p: PoolPlan): number {
  return p.addServices.length + p.editServices.length + p.addDestinations.length + p.editDestinations.length + p.deleteDestinations.length + p.deleteServices.length;
}

/**
 * The table after `plan`, in the plan's order. Adding what exists replaces it and deleting what
 * does not exist is a no-op, so applying a plan twice yields the same table (idempotent), as a
 * backend must behave. A destination for a service that does not exist is an error.
 */
export function applyPlan(table: PoolTable, plan: PoolPlan): Map<string, PoolService> {
  const out = new Map<string, { service: ServiceSpec; destinations: Map<string, DestinationSpec> }>();
  for (const [id, s] of table) out.set(id, { service: s.service, destinations: new Map(s.destinations) });
  for (const s of [...plan.addServices, ...plan.editServices]) {
    const id = serviceId(s.key);
    const have = out.get(id);
    if (have) have.service = s;
    else out.set(id, { service: s, destinations: new Map() });
  }
  for (const { service, destination } of [...plan.addDestinations, ...plan.editDestinations]) {
    const have = out.get(serviceId(service));
    if (!have) throw new Error(`destination ${destinationId(destination)} names service ${serviceId(service)}, which the table does not have`);
    have.destinations.set(destinationId(destination), destination);
  }
  for (const { service, destination } of plan.deleteDestinations) out.get(serviceId(service))?.destinations.delete(destinationId(destination));
  for (const key of plan.deleteServices) out.delete(serviceId(key));
  return out;
}

/** Only the services whose id passes `keep`. */
export function filterTable(table: PoolTable, keep: (id: string, s: PoolService) => boolean): Map<string, PoolService> {
  return new Map([...table].filter(([id, s]) => keep(id, s)));
}

/** A plain, comparable form of a table (sorted), for tests and logs. */
export function tableToJSON(table: PoolTable): Record<string, { service: ServiceSpec; destinations: Record<string, DestinationSpec> }> {
  const out: Record<string, { service: ServiceSpec; destinations: Record<string, DestinationSpec> }> = {};
  for (const id of [...table.keys()].sort()) {
    const s = table.get(id);
    if (!s) continue;
    const destinations: Record<string, DestinationSpec> = {};
    for (const did of [...s.destinations.keys()].sort()) {
      const d = s.destinations.get(did);
      if (d) destinations[did] = d;
    }
    out[id] = { service: s.service, destinations };
  }
  return out;
}
