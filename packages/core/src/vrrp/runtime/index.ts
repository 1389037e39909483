// The VRRP runtime: configuration to InstanceParams, one runner per instance, the VRRP process and its service.
export { advertIntUnits, deriveParams, instanceSpec, InstanceConfigError, DEFAULTS as VRRP_DEFAULTS, type GlobalDefs, type InstanceSpec, type VipSpec } from './params.js';
export { InstanceRunner, type InstanceIo, type InstanceRunnerOptions, type RunnerEvent, type RunnerPacket, type RunnerStats } from './instance-runner.js';
export { openInstanceIo, primaryAddress } from './instance-io.js';
export { VrrpService, type VrrpServiceOptions } from './vrrp-service.js';
