import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AddressExistsError,
  AddressNotFoundError,
  errnoFromMessage,
  errnoName,
  LinkExistsError,
  NetlinkError,
  NetlinkPermissionError,
  netlinkError,
  NoSuchLinkError,
  RouteExistsError,
  RouteNotFoundError,
  RuleNotFoundError,
} from '../../../src/vrrp/io/errors.js';

describe('netlink errors', () => {
  it('turns each errno into the error of its operation, with the errno and what to do', () => {
    const err = netlinkError('address-add', 'add address 192.0.2.10/24 on ifindex 3', 17);
    assert.ok(err instanceof AddressExistsError && err instanceof NetlinkError);
    assert.equal(err.code, 'VIGIL_ERR_ADDRESS_EXISTS');
    assert.equal(err.errno, 17);
    assert.equal(err.errnoCode, 'EEXIST');
    assert.equal(err.operation, 'add address 192.0.2.10/24 on ifindex 3');
    assert.match(err.message, /^add address 192\.0\.2\.10\/24 on ifindex 3 \(EEXIST\): the address is already on the link/);
    assert.ok(err.hint.length > 0);
  });

  it('knows which errno means what for which operation', () => {
    const cases: Array<[Parameters<typeof netlinkError>[0], number, new (...args: never[]) => NetlinkError]> = [
      ['address-remove', 99, AddressNotFoundError],
      ['link-get', 19, NoSuchLinkError],
      ['address-add', 19, NoSuchLinkError],
      ['link-add', 17, LinkExistsError],
      ['route-add', 17, RouteExistsError],
      ['route-remove', 3, RouteNotFoundError],
      ['rule-remove', 2, RuleNotFoundError],
      ['address-add', 1, NetlinkPermissionError],
    ];
    for (const [kind, errno, type] of cases) assert.ok(netlinkError(kind, 'op', errno) instanceof type, `${kind} ${errno}`);
    const other = netlinkError('route-add', 'op', 22);
    assert.equal(other.constructor, NetlinkError);
    assert.equal(other.code, 'VIGIL_ERR_NETLINK');
    assert.equal(other.errnoCode, 'EINVAL');
  });

  it('names errnos and finds them from strerror messages', () => {
    assert.equal(errnoName(19), 'ENODEV');
    assert.equal(errnoName(-19), 'ENODEV');
    assert.equal(errnoName(99999), 'errno 99999');
    assert.equal(errnoFromMessage('No such device'), 19);
    assert.equal(errnoFromMessage('Operation not permitted'), 1);
    assert.equal(errnoFromMessage('something else'), undefined);
  });
});
