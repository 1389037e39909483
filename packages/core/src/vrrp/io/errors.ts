// Errors of the VRRP I/O layer. Each says what was asked, what the kernel answered (errno, positive as in
// errno(3), and its name) and what to do about it. The `code`s are vigil's own (VIGIL_ERR_*), stable for callers.
import { getSystemErrorMap } from 'node:util';

export type VrrpIoErrorCode =
  | 'VIGIL_ERR_NATIVE_MISSING'
  | 'VIGIL_ERR_NETLINK'
  | 'VIGIL_ERR_NETLINK_PERMISSION'
  | 'VIGIL_ERR_NETLINK_TIMEOUT'
  | 'VIGIL_ERR_ADDRESS_EXISTS'
  | 'VIGIL_ERR_ADDRESS_NOT_FOUND'
  | 'VIGIL_ERR_NO_SUCH_LINK'
  | 'VIGIL_ERR_LINK_EXISTS'
  | 'VIGIL_ERR_ROUTE_EXISTS'
  | 'VIGIL_ERR_ROUTE_NOT_FOUND'
  | 'VIGIL_ERR_RULE_EXISTS'
  | 'VIGIL_ERR_RULE_NOT_FOUND'
  | 'VIGIL_ERR_SOCKET'
  | 'VIGIL_ERR_SEND';

export interface VrrpIoErrorDetails {
  /** errno(3), positive, when the kernel refused. */
  readonly errno?: number | undefined;
  /** What to do about it. */
  readonly hint: string;
  readonly cause?: unknown;
}

export class VrrpIoError extends Error {
  readonly errno: number | undefined;
  /** The errno's name ('EEXIST'), when there is one. */
  readonly errnoCode: string | undefined;
  readonly hint: string;

  constructor(
    readonly code: VrrpIoErrorCode,
    message: string,
    details: VrrpIoErrorDetails,
  ) {
    const errnoCode = details.errno === undefined ? undefined : errnoName(details.errno);
    super(`${message}${errnoCode ? ` (${errnoCode})` : ''}: ${details.hint}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'VrrpIoError';
    this.errno = details.errno;
    this.errnoCode = errnoCode;
    this.hint = details.hint;
  }
}

/** A package with native code (@vigil/native, raw-socket, netlink) is missing or its addon does not load. */
export class NativeLoadError extends VrrpIoError {
  constructor(
    readonly packageName: string,
    message: string,
    cause: unknown,
  ) {
    super('VIGIL_ERR_NATIVE_MISSING', message, {
      hint: `reinstall with \`npm ci\` or rebuild with \`npm rebuild ${packageName}\` (python3, make, a C++ compiler and Node's headers are needed); npm runs its build only while the root package.json's allowScripts allows it`,
      cause,
    });
    this.name = 'NativeLoadError';
  }
}

/** The kernel refused a netlink request. `operation` says which ('add address 192.0.2.10/24 on ifindex 3'). */
export class NetlinkError extends VrrpIoError {
  constructor(
    readonly operation: string,
    errno: number | undefined,
    hint: string,
    code: VrrpIoErrorCode = 'VIGIL_ERR_NETLINK',
    cause?: unknown,
  ) {
    super(code, operation, { errno, hint, cause });
    this.name = 'NetlinkError';
  }
}

export class NetlinkPermissionError extends NetlinkError {
  constructor(operation: string, errno: number) {
    super(operation, errno, 'changing the network needs CAP_NET_ADMIN: run vigil as root', 'VIGIL_ERR_NETLINK_PERMISSION');
    this.name = 'NetlinkPermissionError';
  }
}

export class NetlinkTimeoutError extends NetlinkError {
  constructor(operation: string, timeoutMs: number, cause?: unknown) {
    super(operation, undefined, `the kernel did not answer within ${timeoutMs} ms; retry, and check the host's load`, 'VIGIL_ERR_NETLINK_TIMEOUT', cause);
    this.name = 'NetlinkTimeoutError';
  }
}

export class AddressExistsError extends NetlinkError {
  constructor(operation: string, errno: number) {
    super(operation, errno, 'the address is already on the link: another owner put it there (remove it), or add with { replace: true } to take it over', 'VIGIL_ERR_ADDRESS_EXISTS');
    this.name = 'AddressExistsError';
  }
}

export class AddressNotFoundError extends NetlinkError {
  constructor(operation: string, errno: number) {
    super(operation, errno, 'the link does not have this address (someone removed it already): nothing is left to remove', 'VIGIL_ERR_ADDRESS_NOT_FOUND');
    this.name = 'AddressNotFoundError';
  }
}

export class NoSuchLinkError extends NetlinkError {
  constructor(operation: string, errno: number | undefined) {
    super(operation, errno, 'no interface has this name or index in this network namespace: check the interface in the config, or wait until it exists', 'VIGIL_ERR_NO_SUCH_LINK');
    this.name = 'NoSuchLinkError';
  }
}

export class LinkExistsError extends NetlinkError {
  constructor(operation: string, errno: number) {
    super(operation, errno, 'an interface with this name (or MAC, for a macvlan) exists already: delete it, or choose another name', 'VIGIL_ERR_LINK_EXISTS');
    this.name = 'LinkExistsError';
  }
}

export class RouteExistsError extends NetlinkError {
  constructor(operation: string, errno: number) {
    super(operation, errno, 'the table has this route already: remove it, or add with mode "replace" or "append"', 'VIGIL_ERR_ROUTE_EXISTS');
    this.name = 'RouteExistsError';
  }
}

export class RouteNotFoundError extends NetlinkError {
  constructor(operation: string, errno: number) {
    super(operation, errno, 'the table has no such route (someone removed it already): nothing is left to remove', 'VIGIL_ERR_ROUTE_NOT_FOUND');
    this.name = 'RouteNotFoundError';
  }
}

export class RuleExistsError extends NetlinkError {
  constructor(operation: string, errno: number) {
    super(operation, errno, 'this rule exists already: remove it first, or give the rule another preference', 'VIGIL_ERR_RULE_EXISTS');
    this.name = 'RuleExistsError';
  }
}

export class RuleNotFoundError extends NetlinkError {
  constructor(operation: string, errno: number) {
    super(operation, errno, 'there is no such rule (someone removed it already): nothing is left to remove', 'VIGIL_ERR_RULE_NOT_FOUND');
    this.name = 'RuleNotFoundError';
  }
}

/** What kind of netlink request failed: decides which errno means what. */
export type NetlinkOperationKind =
  | 'address-add'
  | 'address-remove'
  | 'link-add'
  | 'link-remove'
  | 'link-get'
  | 'link-set'
  | 'route-add'
  | 'route-remove'
  | 'rule-add'
  | 'rule-remove'
  | 'dump';

const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  ENXIO: 6,
  EACCES: 13,
  EEXIST: 17,
  ENODEV: 19,
  EADDRNOTAVAIL: 99,
  ENETUNREACH: 101,
} as const;

/** The typed error for errno (positive) refusing an operation of this kind. */
export function netlinkError(kind: NetlinkOperationKind, operation: string, errno: number): NetlinkError {
  switch (errno) {
    case ERRNO.EPERM:
    case ERRNO.EACCES:
      return new NetlinkPermissionError(operation, errno);
    case ERRNO.ENODEV:
      return new NoSuchLinkError(operation, errno);
    case ERRNO.EEXIST:
      if (kind === 'address-add') return new AddressExistsError(operation, errno);
      if (kind === 'link-add') return new LinkExistsError(operation, errno);
      if (kind === 'route-add') return new RouteExistsError(operation, errno);
      if (kind === 'rule-add') return new RuleExistsError(operation, errno);
      break;
    case ERRNO.EADDRNOTAVAIL:
      if (kind === 'address-remove') return new AddressNotFoundError(operation, errno);
      break;
    case ERRNO.ESRCH:
      if (kind === 'route-remove') return new RouteNotFoundError(operation, errno);
      break;
    case ERRNO.ENOENT:
      if (kind === 'rule-remove') return new RuleNotFoundError(operation, errno);
      if (kind === 'route-remove') return new RouteNotFoundError(operation, errno);
      break;
    case ERRNO.ENETUNREACH:
      return new NetlinkError(operation, errno, 'the gateway is not on any directly connected network: add the interface address first, or mark the route onlink');
  }
  return new NetlinkError(operation, errno, 'the kernel refused the request: check the values against `ip` (ip-address(8), ip-route(8), ip-rule(8))');
}

/** 'EEXIST' for 17; `errno N` for numbers Node does not know. */
export function errnoName(errno: number): string {
  return getSystemErrorMap().get(-Math.abs(errno))?.[0] ?? `errno ${errno}`;
}

let byMessage: Map<string, number> | undefined;

/**
 * The errno of a message from strerror(3) ("No such device" -> 19), for libraries (raw-socket) that throw only
 * the message. Best effort: undefined when Node's table has no such message.
 */
export function errnoFromMessage(message: string): number | undefined {
  if (!byMessage) {
    byMessage = new Map();
    for (const [negative, [, text]] of getSystemErrorMap()) byMessage.set(text.toLowerCase(), -negative);
  }
  return byMessage.get(message.trim().toLowerCase());
}
