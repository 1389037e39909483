export * from './ipvs-constants.js';
export * from './ipvs-genl.codec.js';
export * from './inet-address.js';
export { IpvsBackend, IpvsError, type IpvsBackendOptions } from './ipvs.backend.js';
