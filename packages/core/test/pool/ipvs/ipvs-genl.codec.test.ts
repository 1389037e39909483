/**
 * Golden bytes for the IPVS genl codec. Each fixture is built twice: by hand from the definitions
 * in include/uapi/linux/ip_vs.h and <linux/netlink.h> (struct nlattr = u16 len, u16 type, payload
 * padded to 4; genlmsghdr = cmd, version, 0, 0), and as captured from ipvsadm 1.31 inside the UML
 * kernel (`strace -e sendmsg -xx ipvsadm ...`, the genl payload after the 16-byte nlmsghdr).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  destinationId,
  type DestinationSpec,
  type ServiceKey,
  type ServiceSpec,
} from '../../../src/pool/types.js';
import {
  canonicalAddress,
  formatAttr,
  formatIpvsMessage,
  formatNetmask,
  IpvsCmd,
  msgDelDest,
  msgDelService,
  msgGetDests,
  msgNewDest,
  msgNewService,
  msgSetDest,
  parseAttrs,
  parseDestinationAttrs,
  parseIpvsMessage,
  parseNetmask,
  parseServiceAttrs,
  parseServiceReply,
} from '../../../src/pool/ipvs/index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[\s|]/g, ''), 'hex');

/** ipvsadm -A -t 192.0.2.20:443 -s rr -p 120 -M 255.255.255.0 */
const IPVSADM_ADD_SERVICE = hex(
  '01010000540001800600010002000000060002000600000014000300c00002140000000000000000000000000600040001bb000007000600727200000c00070001000000ffffffff080008007800000008000900ffffff00',
);
/** ipvsadm -a -t 192.0.2.20:443 -r 198.51.100.3:8443 -m -w 5 -x 10 -y 2 */
const IPVSADM_ADD_DEST_MASQ = hex(
  '05010000540001800600010002000000060002000600000014000300c00002140000000000000000000000000600040001bb000005000600000000000c00070000000000ffffffff080008000000000008000900ffffffff6000028006000b000200000014000100c63364030000000000000000000000000600020020fb00000800030000000000080004000500000005000d000000000006000e000000000006000f0000000000080005000a0000000800060002000000',
);
/** ipvsadm -a -t 192.0.2.20:443 -r 198.51.100.4:8443 -i --tun-type gue --tun-port 6080 --tun-csum (port defaults to the service's) */
const IPVSADM_ADD_DEST_GUE = hex(
  '05010000540001800600010002000000060002000600000014000300c00002140000000000000000000000000600040001bb000005000600000000000c00070000000000ffffffff080008000000000008000900ffffffff6000028006000b000200000014000100c63364040000000000000000000000000600020001bb00000800030002000000080004000100000005000d000100000006000e0017c0000006000f000100000008000500000000000800060000000000',
);
/** ipvsadm -A -f 7 -6 -s sh -b sh-port */
const IPVSADM_ADD_FWMARK6_SH = hex(
  '0101000038000180060001000a000000080005000700000007000600736800000c00070010000000ffffffff08000800000000000800090080000000',
);

const svc: ServiceSpec = {
  key: { kind: 'address', family: 4, address: '192.0.2.20', port: 443, protocol: 'tcp' },
  scheduler: 'rr',
  flags: { persistent: true },
  timeout: 120,
  netmaskPrefix: 24,
};
const masq: DestinationSpec = { family: 4, address: '198.51.100.3', port: 8443, forwarding: 'nat', weight: 5, upperThreshold: 10, lowerThreshold: 2 };
const gue: DestinationSpec = {
  family: 4,
  address: '198.51.100.4',
  port: 443,
  forwarding: 'tun',
  weight: 1,
  upperThreshold: 0,
  lowerThreshold: 0,
  tunnel: { type: 'gue', port: 6080, checksum: 'csum' },
};

/** The nest of a message's attribute of the given type (NLA_F_NESTED masked off). */
function nestOf(msg: Buffer, type: number): Buffer {
  const hit = parseIpvsMessage(msg).attrs.find(([t]) => t === type);
  assert.ok(hit, `attribute ${type} present`);
  return hit[1];
}

describe('IPVS genl codec: golden bytes', () => {
  it('NEW_SERVICE, built by hand from ip_vs.h', () => {
    const byHand = Buffer.concat([
      hex('01 01 0000'), // genlmsghdr: IPVS_CMD_NEW_SERVICE, IPVS_GENL_VERSION
      hex('5400 0180'), // nlattr len 84, IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED
      hex('0600 0100 | 0200 | 0000'), // IPVS_SVC_ATTR_AF u16 AF_INET, pad
      hex('0600 0200 | 0600 | 0000'), // IPVS_SVC_ATTR_PROTOCOL u16 IPPROTO_TCP, pad
      hex('1400 0300 | c0000214 000000000000000000000000'), // IPVS_SVC_ATTR_ADDR 16 bytes
      hex('0600 0400 | 01bb | 0000'), // IPVS_SVC_ATTR_PORT be16 443, pad
      hex('0700 0600 | 727200 | 00'), // IPVS_SVC_ATTR_SCHED_NAME "rr\0", pad
      hex('0c00 0700 | 01000000 ffffffff'), // IPVS_SVC_ATTR_FLAGS {IP_VS_SVC_F_PERSISTENT, mask ~0}
      hex('0800 0800 | 78000000'), // IPVS_SVC_ATTR_TIMEOUT 120
      hex('0800 0900 | ffffff00'), // IPVS_SVC_ATTR_NETMASK be32 255.255.255.0
    ]);
    const ours = formatIpvsMessage(msgNewService(svc));
    assert.deepEqual(ours, byHand);
    assert.deepEqual(ours, IPVSADM_ADD_SERVICE, 'same bytes as ipvsadm');
  });

  it('NEW_SERVICE for an IPv6 fwmark service with sh-port matches ipvsadm (netmask = raw prefix length)', () => {
    const s: ServiceSpec = { key: { kind: 'fwmark', family: 6, fwmark: 7 }, scheduler: 'sh', flags: { shPort: true }, timeout: 0, netmaskPrefix: 128 };
    assert.deepEqual(formatIpvsMessage(msgNewService(s)), IPVSADM_ADD_FWMARK6_SH);
  });

  it('NEW_DEST (masq, thresholds): the destination nest matches ipvsadm; the service nest is its key prefix', () => {
    const ours = formatIpvsMessage(msgNewDest(svc.key, masq));
    assert.equal(ours[0], IpvsCmd.NEW_DEST);
    const byHandDest = Buffer.concat([
      hex('0600 0b00 | 0200 | 0000'), // IPVS_DEST_ATTR_ADDR_FAMILY AF_INET
      hex('1400 0100 | c6336403 000000000000000000000000'), // IPVS_DEST_ATTR_ADDR 198.51.100.3
      hex('0600 0200 | 20fb | 0000'), // IPVS_DEST_ATTR_PORT be16 8443
      hex('0800 0300 | 00000000'), // IPVS_DEST_ATTR_FWD_METHOD IP_VS_CONN_F_MASQ
      hex('0800 0400 | 05000000'), // IPVS_DEST_ATTR_WEIGHT 5
      hex('0500 0d00 | 00 | 000000'), // IPVS_DEST_ATTR_TUN_TYPE u8 0
      hex('0600 0e00 | 0000 | 0000'), // IPVS_DEST_ATTR_TUN_PORT 0
      hex('0600 0f00 | 0000 | 0000'), // IPVS_DEST_ATTR_TUN_FLAGS 0
      hex('0800 0500 | 0a000000'), // IPVS_DEST_ATTR_U_THRESH 10
      hex('0800 0600 | 02000000'), // IPVS_DEST_ATTR_L_THRESH 2
    ]);
    assert.deepEqual(nestOf(ours, 2), byHandDest);
    assert.deepEqual(nestOf(ours, 2), nestOf(IPVSADM_ADD_DEST_MASQ, 2), 'same destination bytes as ipvsadm');
    // ipvsadm sends the whole service (empty scheduler, flags...); vigil only the key, which the kernel needs.
    const key = nestOf(ours, 1);
    assert.deepEqual(key, nestOf(IPVSADM_ADD_DEST_MASQ, 1).subarray(0, key.length));
  });

  it('NEW_DEST (tunnel gue, port 6080, csum) matches ipvsadm', () => {
    assert.deepEqual(nestOf(formatIpvsMessage(msgNewDest(svc.key, gue)), 2), nestOf(IPVSADM_ADD_DEST_GUE, 2));
  });

  it('SET_DEST, DEL_DEST, DEL_SERVICE and GET_DEST carry the right command and keys', () => {
    assert.equal(formatIpvsMessage(msgSetDest(svc.key, masq))[0], IpvsCmd.SET_DEST);
    const del = formatIpvsMessage(msgDelDest(svc.key, masq));
    assert.equal(del[0], IpvsCmd.DEL_DEST);
    assert.deepEqual(nestOf(del, 2), nestOf(IPVSADM_ADD_DEST_MASQ, 2).subarray(0, 36), 'family, address, port');
    const ds = formatIpvsMessage(msgDelService(svc.key));
    assert.deepEqual(ds, Buffer.concat([hex('03010000 30000180'), IPVSADM_ADD_SERVICE.subarray(8, 8 + 44)]));
    assert.equal(formatIpvsMessage(msgGetDests(svc.key))[0], IpvsCmd.GET_DEST);
  });
});

describe('IPVS genl codec: parsing', () => {
  it('reads back what ipvsadm sends, as the model', () => {
    const s = parseServiceAttrs(parseAttrs(nestOf(IPVSADM_ADD_SERVICE, 1)));
    assert.deepEqual(s.spec, svc);
    const f = parseServiceAttrs(parseAttrs(nestOf(IPVSADM_ADD_FWMARK6_SH, 1)));
    assert.deepEqual(f.spec, { key: { kind: 'fwmark', family: 6, fwmark: 7 }, scheduler: 'sh', flags: { shPort: true }, timeout: 0, netmaskPrefix: 128 });
    assert.deepEqual(parseDestinationAttrs(parseAttrs(nestOf(IPVSADM_ADD_DEST_MASQ, 2)), 4).spec, masq);
    assert.deepEqual(parseDestinationAttrs(parseAttrs(nestOf(IPVSADM_ADD_DEST_GUE, 2)), 4).spec, gue);
  });

  it('round-trips every forwarding method, IPv6 and tunnel types', () => {
    const cases: DestinationSpec[] = [
      { family: 6, address: '2001:db8::5', port: 80, forwarding: 'dr', weight: 0, upperThreshold: 0, lowerThreshold: 0 },
      { family: 4, address: '203.0.113.9', port: 0, forwarding: 'tun', weight: 7, upperThreshold: 1, lowerThreshold: 0 },
      { family: 4, address: '203.0.113.9', port: 0, forwarding: 'tun', weight: 7, upperThreshold: 0, lowerThreshold: 0, tunnel: { type: 'gre', checksum: 'remcsum' } },
      { family: 6, address: '2001:db8:0:1::9', port: 53, forwarding: 'nat', weight: 65535, upperThreshold: 0, lowerThreshold: 0 },
    ];
    for (const d of cases) {
      const nest = nestOf(formatIpvsMessage(msgNewDest(svc.key, d)), 2);
      assert.deepEqual(parseDestinationAttrs(parseAttrs(nest), 4).spec, d, destinationId(d));
    }
  });

  it('keeps unknown attributes in `unparsed` (newer kernels), in order', () => {
    const nest = Buffer.concat([nestOf(IPVSADM_ADD_SERVICE, 1), formatAttr(40, hex('01020304')), formatAttr(41, hex('ff'))]);
    const parsed = parseServiceAttrs(parseAttrs(nest));
    assert.deepEqual(parsed.unparsed, [
      [40, hex('01020304')],
      [41, hex('ff')],
    ]);
    assert.deepEqual(parseServiceReply(Buffer.concat([hex('01010000'), formatAttr(0x8001, nest)])).spec, svc);
  });

  it('rejects a truncated attribute', () => {
    assert.throws(() => parseAttrs(hex('0800 0100 0000')), RangeError);
  });

  it('netmasks: IPv4 as a network-order mask, IPv6 as the prefix length', () => {
    for (const p of [0, 1, 8, 24, 31, 32]) assert.equal(parseNetmask(4, formatNetmask(4, p)), p);
    assert.deepEqual(formatNetmask(4, 16), hex('ffff0000'));
    assert.equal(parseNetmask(6, formatNetmask(6, 64)), 64);
  });

  it('writes IPv6 addresses in RFC 5952 form', () => {
    assert.equal(canonicalAddress(6, '2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
    assert.equal(canonicalAddress(6, '2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(canonicalAddress(6, '2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
    assert.equal(canonicalAddress(6, '::'), '::');
    assert.equal(canonicalAddress(6, '::ffff:192.0.2.1'), '::ffff:c000:201');
    assert.throws(() => canonicalAddress(6, '2001:db8::1::2'), TypeError);
    assert.throws(() => canonicalAddress(4, '192.0.2.256'), TypeError);
  });
});

// Keep the type import used when the file is type-checked alone.
export type { ServiceKey };
