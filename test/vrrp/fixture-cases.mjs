// The adverts capture-fixtures.sh asks real Keepalived for, and what the codec must decode from each.
//
//   node fixture-cases.mjs names                       the runs, one per line
//   node fixture-cases.mjs conf RUN                    keepalived.conf for RUN
//   node fixture-cases.mjs extract RUN PCAP OUTDIR VERSION
//                                                      writes OUTDIR/NAME.hex and NAME.json for RUN's fixtures
//
// A run is one Keepalived instance, MASTER on vk0 (192.0.2.1, fe80::1) with the capturing peer on vc0
// (192.0.2.2). It gives one fixture per packet it picks: its first advert as MASTER and, for some runs, the
// priority-0 advert it sends when stopped. The JSON holds what the config says the packet must carry;
// "captured" holds what only the capture can tell (checksum, IP id, AH sequence), checked by hand once.
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';

const MASTER4 = '192.0.2.1';
const PEER4 = '192.0.2.2';
const MASTER6 = 'fe80::1';
const GROUP4 = '224.0.0.18';
const GROUP6 = 'ff02::12';

/** @type {Array<{name: string, description: string, version: 2|3, vrid: number, priority: number,
 *   advertInt: number, vips: string[], auth?: {type: 'PASS'|'AH', pass: string}, unicast?: boolean,
 *   extra?: string[], checksumMode?: string, checksumDst?: string, fixtures: Record<string, 'advert'|'stop'>}>} */
const RUNS = [
  {
    name: 'v2-noauth',
    description: 'VRRPv2, no authentication, one VIP, multicast',
    version: 2, vrid: 51, priority: 150, advertInt: 1, vips: ['192.0.2.100'],
    fixtures: { 'v2-noauth': 'advert', 'v2-shutdown': 'stop' },
  },
  {
    name: 'v2-pass',
    description: 'VRRPv2, auth_type PASS with a 12-character password (Keepalived keeps the first 8)',
    version: 2, vrid: 52, priority: 150, advertInt: 1, vips: ['192.0.2.100'],
    auth: { type: 'PASS', pass: 'vigilpass123' },
    fixtures: { 'v2-pass': 'advert' },
  },
  {
    name: 'v2-ah',
    description: 'VRRPv2, auth_type AH (IPsec AH, HMAC-MD5-96), multicast',
    version: 2, vrid: 53, priority: 150, advertInt: 1, vips: ['192.0.2.100'],
    auth: { type: 'AH', pass: 'ah-secret' },
    fixtures: { 'v2-ah': 'advert', 'v2-ah-shutdown': 'stop' },
  },
  {
    name: 'v2-ah-unicast',
    description: 'VRRPv2, auth_type AH, unicast: the TTL is left out of the ICV',
    version: 2, vrid: 54, priority: 150, advertInt: 1, vips: ['192.0.2.100'],
    auth: { type: 'AH', pass: 'ah-secret' }, unicast: true,
    fixtures: { 'v2-ah-unicast': 'advert' },
  },
  {
    name: 'v2-multi-vip',
    description: 'VRRPv2, four VIPs from three ranges',
    version: 2, vrid: 55, priority: 200, advertInt: 2,
    vips: ['192.0.2.100', '192.0.2.101', '198.51.100.10', '203.0.113.10'],
    fixtures: { 'v2-multi-vip': 'advert' },
  },
  {
    name: 'v2-unicast',
    description: 'VRRPv2, unicast_src_ip / unicast_peer',
    version: 2, vrid: 56, priority: 150, advertInt: 1, vips: ['192.0.2.100'], unicast: true,
    fixtures: { 'v2-unicast': 'advert' },
  },
  {
    name: 'v2-owner',
    description: 'VRRPv2, priority 255 (address owner), state MASTER',
    version: 2, vrid: 57, priority: 255, advertInt: 1, vips: ['192.0.2.100'],
    fixtures: { 'v2-owner': 'advert' },
  },
  {
    name: 'v2-ipv6',
    description: 'VRRPv2 over IPv6 (non-strict Keepalived): no authentication words',
    version: 2, vrid: 58, priority: 150, advertInt: 1, vips: ['2001:db8::100'],
    fixtures: { 'v2-ipv6': 'advert' },
  },
  {
    name: 'v3-ipv4',
    description: 'VRRPv3 over IPv4, default checksum (IPv4 pseudo-header, RFC 5798)',
    version: 3, vrid: 61, priority: 150, advertInt: 1, vips: ['192.0.2.100'],
    fixtures: { 'v3-ipv4': 'advert', 'v3-ipv4-shutdown': 'stop' },
  },
  {
    name: 'v3-ipv4-checksum-as-v2',
    description: 'VRRPv3 over IPv4 with v3_checksum_as_v2 (no pseudo-header, RFC 9568)',
    version: 3, vrid: 62, priority: 150, advertInt: 1, vips: ['192.0.2.100'],
    extra: ['v3_checksum_as_v2'], checksumMode: 'rfc9568',
    fixtures: { 'v3-ipv4-checksum-as-v2': 'advert' },
  },
  {
    name: 'v3-ipv6',
    description: 'VRRPv3 over IPv6, link-local source, two VIPs',
    version: 3, vrid: 63, priority: 150, advertInt: 0.5, vips: ['2001:db8::100', '2001:db8::1:0:0:1'],
    fixtures: { 'v3-ipv6': 'advert' },
  },
  {
    name: 'v3-unicast',
    description: 'VRRPv3 over IPv4, unicast: the pseudo-header holds the peer address',
    version: 3, vrid: 64, priority: 150, advertInt: 0.5, vips: ['192.0.2.100'], unicast: true,
    fixtures: { 'v3-unicast': 'advert' },
  },
  {
    name: 'v3-unicast-old-checksum',
    description: 'VRRPv3 over IPv4, unicast with old_unicast_checksum: the pseudo-header holds 224.0.0.18',
    version: 3, vrid: 65, priority: 150, advertInt: 0.5, vips: ['192.0.2.100'], unicast: true,
    extra: ['old_unicast_checksum'], checksumDst: GROUP4,
    fixtures: { 'v3-unicast-old-checksum': 'advert' },
  },
];

const family = (run) => (run.vips[0].includes(':') ? 6 : 4);

function conf(run) {
  const lines = [
    `vrrp_instance VI_${run.vrid} {`,
    `  state ${run.priority === 255 ? 'MASTER' : 'BACKUP'}`,
    '  interface vk0',
    `  virtual_router_id ${run.vrid}`,
    `  priority ${run.priority}`,
    `  advert_int ${run.advertInt}`,
    `  version ${run.version}`,
  ];
  if (run.auth) lines.push(`  authentication {`, `    auth_type ${run.auth.type}`, `    auth_pass ${run.auth.pass}`, '  }');
  if (run.unicast) lines.push(`  unicast_src_ip ${MASTER4}`, `  unicast_peer {`, `    ${PEER4}`, '  }');
  for (const keyword of run.extra ?? []) lines.push(`  ${keyword}`);
  lines.push('  virtual_ipaddress {', ...run.vips.map((vip) => `    ${vip}`), '  }', '}');
  return lines.join('\n') + '\n';
}

/** What the receiving instance is configured with: the decoder's expectations. */
function receiver(run) {
  const auth = !run.auth ? { type: 'none' }
    : { type: run.auth.type === 'PASS' ? 'pass' : 'ah', password: run.auth.pass };
  const expect = {
    version: run.version,
    addresses: run.vips,
    mode: run.unicast ? 'unicast' : 'multicast',
    ...(run.version === 2 ? { auth, advertInt: run.advertInt } : {}),
  };
  return {
    checksumMode: run.checksumMode ?? 'rfc5798',
    ...(run.checksumDst ? { checksumDst: run.checksumDst } : {}),
    expect,
  };
}

function expectedPacket(run, pick) {
  const packet = {
    version: run.version,
    type: 1,
    vrid: run.vrid,
    priority: pick === 'stop' ? 0 : run.priority,
    addresses: run.vips,
  };
  if (run.version === 3) return { ...packet, maxAdvertInt: Math.round(run.advertInt * 100) };
  const authType = !run.auth ? 0 : run.auth.type === 'PASS' ? 1 : 2;
  const authData = Buffer.alloc(8);
  if (run.auth?.type === 'PASS') Buffer.from(run.auth.pass).copy(authData, 0, 0, 8);
  return { ...packet, authType, advertInt: run.advertInt, authData: family(run) === 4 ? authData.toString('hex') : null };
}

function expectedIp(run) {
  if (family(run) === 6) return { src: MASTER6, dst: GROUP6, hopLimit: 255, nextHeader: 112 };
  return {
    src: MASTER4,
    dst: run.unicast ? PEER4 : GROUP4,
    ttl: 255,
    tos: 0xc0,
    protocol: run.auth?.type === 'AH' ? 51 : 112,
  };
}

/** The IP packets of a pcap file of Ethernet frames (tcpdump -w on a veth). */
function* ipPackets(file) {
  const pcap = fs.readFileSync(file);
  const magic = pcap.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && pcap.readUInt32BE(0) !== 0xa1b2c3d4 && pcap.readUInt32BE(0) !== 0xa1b23c4d) {
    throw new Error(`${file}: not a pcap file`);
  }
  const u32 = (at) => (le ? pcap.readUInt32LE(at) : pcap.readUInt32BE(at));
  if (u32(20) !== 1) throw new Error(`${file}: link type ${u32(20)}, expected Ethernet (1)`);
  for (let at = 24; at + 16 <= pcap.length;) {
    const captured = u32(at + 8);
    const frame = pcap.subarray(at + 16, at + 16 + captured);
    at += 16 + captured;
    const etherType = frame.readUInt16BE(12);
    const ip = frame.subarray(14);
    // Cut the Ethernet padding: the fixture is the IP packet as a raw socket returns it.
    if (etherType === 0x0800) yield ip.subarray(0, ip.readUInt16BE(2));
    else if (etherType === 0x86dd) yield ip.subarray(0, 40 + ip.readUInt16BE(4));
  }
}

function vrrpOffset(ip) {
  if (ip[0] >> 4 === 6) return 40;
  const ihl = (ip[0] & 0x0f) * 4;
  return ip[9] === 51 ? ihl + 24 : ihl;
}

function captured(ip) {
  const at = vrrpOffset(ip);
  const fields = { checksum: ip.readUInt16BE(at + 6) };
  if (ip[0] >> 4 === 4) fields.ipId = ip.readUInt16BE(4);
  if (ip[0] >> 4 === 4 && ip[9] === 51) fields.ahSequence = ip.readUInt32BE((ip[0] & 0x0f) * 4 + 8);
  return fields;
}

function extract(run, pcapFile, outDir, keepalivedVersion) {
  const packets = [...ipPackets(pcapFile)];
  let missing = 0;
  for (const [name, pick] of Object.entries(run.fixtures)) {
    const ip = packets.find((p) => (p[vrrpOffset(p) + 2] === 0) === (pick === 'stop'));
    if (!ip) {
      console.error(`${name}: no ${pick === 'stop' ? 'priority-0 ' : ''}advert in the capture`);
      missing++;
      continue;
    }
    const hex = ip.toString('hex').replace(/.{1,32}/g, '$&\n');
    fs.writeFileSync(path.join(outDir, `${name}.hex`), hex);
    const fixture = {
      name,
      description: pick === 'stop' ? `${run.description}: the priority-0 advert sent on SIGTERM` : run.description,
      keepalived: keepalivedVersion,
      config: conf(run),
      family: family(run),
      ip: expectedIp(run),
      packet: expectedPacket(run, pick),
      receiver: receiver(run),
      captured: captured(ip),
    };
    fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(fixture, null, 2) + '\n');
    console.error(`${name}: ${ip.length} bytes`);
  }
  return missing;
}

const [command, runName, ...rest] = process.argv.slice(2);
const run = RUNS.find((r) => r.name === runName);
if (command === 'names') {
  console.log(RUNS.map((r) => r.name).join('\n'));
} else if (command === 'conf' && run) {
  process.stdout.write(conf(run));
} else if (command === 'extract' && run && rest.length === 3) {
  process.exitCode = extract(run, rest[0], rest[1], rest[2]) ? 1 : 0;
} else {
  console.error('usage: fixture-cases.mjs names | conf RUN | extract RUN PCAP OUTDIR KEEPALIVED_VERSION');
  process.exitCode = 2;
}
