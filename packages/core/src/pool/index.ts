/** The pool manager: the desired table, plans, the reconcile loop and the nftables backend. */
export * from './types.js';
export { desiredPool, endpointName, expandRange, nextQuorumUp, virtualServerName, MAX_GROUP_RANGE, type DesiredPool, type PoolConfig, type PoolState, type QuorumStatus, type RealServerState, type VirtualServerState } from './desired.js';
export { applyPlan, EMPTY_PLAN, filterTable, isEmptyPlan, planPool, planSize, sameDestination, sameService, tableToJSON } from './plan.js';
export { PoolReconciler, type ReconcilerOptions } from './reconciler.js';
export * from './nftables/index.js';
