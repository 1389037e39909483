/**
 * The desired table from keepalived.conf text (through the real parser) and the checkers' state:
 * one row per rule of Keepalived's ipwrapper.c that the table depends on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkerCommonFields } from '../../src/config/keywords/checker-common.js';
import type { VigilConfig } from '../../src/config/keywords/root.js';
import { Diagnostics } from '../../src/config/diagnostics.js';
import { readConfigText } from '../../src/config/reader/index.js';
import { validateDocument } from '../../src/config/validate.js';
import { PluginRegistry } from '../../src/plugin/registry.js';
import { desiredPool, expandRange, nextQuorumUp, type PoolState, type RealServerState } from '../../src/pool/desired.js';
import type { PoolTable } from '../../src/pool/types.js';

async function parse(text: string): Promise<VigilConfig> {
  const diags = new Diagnostics();
  const doc = readConfigText(text, '/etc/keepalived/keepalived.conf', diags, { configId: 'test' });
  const registry = new PluginRegistry({ plugins: [], problems: [], searched: [] }, { checkerCommonFields });
  const { config } = await validateDocument(doc, diags, { registry, host: { interfaceExists: () => true } });
  if (!config) throw new Error(`config did not parse: ${JSON.stringify(diags.sorted())}`);
  return config;
}

function state(vs: string, servers: Record<string, RealServerState>, quorumUp?: boolean): PoolState {
  return new Map([[vs, { servers: new Map(Object.entries(servers)), ...(quorumUp !== undefined ? { quorumUp } : {}) }]]);
}

/** `service id -> { destination id: weight }`, the part most rows are about. */
function weights(t: PoolTable): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [id, s] of t) out[id] = Object.fromEntries([...s.destinations].map(([d, v]) => [d, v.weight]));
  return out;
}

const VS = (body: string, head = '192.0.2.10 80'): string => `virtual_server ${head} {\n protocol TCP\n${body}\n}\n`;
const RS3 = ' real_server 198.51.100.11 8080 {\n weight 3\n }\n real_server 198.51.100.12 8080 {\n weight 1\n }\n';

interface Row {
  readonly name: string;
  readonly conf: string;
  readonly vs?: string;
  readonly state?: Record<string, RealServerState>;
  readonly quorumUp?: boolean;
  readonly want: Record<string, Record<string, number>>;
}

const K = 'tcp:192.0.2.10:80';
const rows: Row[] = [
  { name: 'all up, configured weights', conf: VS(RS3), want: { [K]: { '198.51.100.11:8080': 3, '198.51.100.12:8080': 1 } } },
  { name: 'a server down is removed', conf: VS(RS3), state: { '198.51.100.12:8080': { up: false } }, want: { [K]: { '198.51.100.11:8080': 3 } } },
  {
    name: 'inhibit_on_failure keeps it with weight 0',
    conf: VS(' inhibit_on_failure\n' + RS3),
    state: { '198.51.100.12:8080': { up: false } },
    want: { [K]: { '198.51.100.11:8080': 3, '198.51.100.12:8080': 0 } },
  },
  { name: 'alpha: no state yet means down', conf: VS(' alpha\n' + RS3), state: { '198.51.100.11:8080': { up: true } }, want: { [K]: { '198.51.100.11:8080': 3 } } },
  { name: 'dynamic weight from misc_dynamic', conf: VS(RS3), state: { '198.51.100.11:8080': { up: true, weight: 7 } }, want: { [K]: { '198.51.100.11:8080': 7, '198.51.100.12:8080': 1 } } },
  {
    name: 'quorum lost: the sorry server alone',
    conf: VS(' quorum 3\n sorry_server 203.0.113.50 8080\n' + RS3),
    state: { '198.51.100.11:8080': { up: false } },
    want: { [K]: { '203.0.113.50:8080': 1 } },
  },
  {
    name: 'quorum lost with inhibit: real servers at 0, sorry server serves',
    conf: VS(' quorum 3\n inhibit_on_failure\n sorry_server 203.0.113.50 8080\n' + RS3),
    state: { '198.51.100.11:8080': { up: false } },
    want: { [K]: { '198.51.100.11:8080': 0, '198.51.100.12:8080': 0, '203.0.113.50:8080': 1 } },
  },
  {
    name: 'quorum held: sorry_server_inhibit keeps the sorry server at 0',
    conf: VS(' sorry_server 203.0.113.50 8080\n sorry_server_inhibit\n' + RS3),
    want: { [K]: { '198.51.100.11:8080': 3, '198.51.100.12:8080': 1, '203.0.113.50:8080': 0 } },
  },
  {
    name: 'quorum lost without a sorry server changes nothing in the table',
    conf: VS(' quorum 4\n' + RS3),
    state: { '198.51.100.11:8080': { up: false } },
    want: { [K]: { '198.51.100.12:8080': 1 } },
  },
  {
    name: 'hysteresis: lost quorum is not regained below quorum + hysteresis',
    conf: VS(' quorum 3\n hysteresis 1\n sorry_server 203.0.113.50 8080\n' + RS3),
    state: { '198.51.100.12:8080': { up: false }, '198.51.100.11:8080': { up: true } },
    quorumUp: false,
    want: { [K]: { '203.0.113.50:8080': 1 } },
  },
  {
    name: 'hysteresis: held quorum is kept above quorum - hysteresis',
    conf: VS(' quorum 3\n hysteresis 1\n sorry_server 203.0.113.50 8080\n' + RS3),
    state: { '198.51.100.12:8080': { up: false } },
    quorumUp: true,
    want: { [K]: { '198.51.100.11:8080': 3 } },
  },
  {
    name: 'real server without a port takes the service port',
    conf: VS(' real_server 198.51.100.11 {\n }\n'),
    want: { [K]: { '198.51.100.11:80': 1 } },
  },
  {
    name: 'fwmark service',
    conf: VS(' real_server 198.51.100.11 {\n }\n', 'fwmark 7'),
    vs: 'fwmark 7',
    want: { 'fwmark:4:7': { '198.51.100.11:0': 1 } },
  },
  {
    name: 'group: ranges and fwmarks become services with one pool',
    conf: 'virtual_server_group G {\n 192.0.2.20-22 80\n fwmark 9\n}\n' + VS(' real_server 198.51.100.11 8080 {\n }\n', 'group G'),
    vs: 'group G',
    want: {
      'tcp:192.0.2.20:80': { '198.51.100.11:8080': 1 },
      'tcp:192.0.2.21:80': { '198.51.100.11:8080': 1 },
      'tcp:192.0.2.22:80': { '198.51.100.11:8080': 1 },
      'fwmark:4:9': { '198.51.100.11:8080': 1 },
    },
  },
];

describe('desiredPool: table rows', () => {
  for (const r of rows) {
    it(r.name, async () => {
      const config = await parse(r.conf);
      const d = desiredPool(config, r.state ? state(r.vs ?? '192.0.2.10:80', r.state, r.quorumUp) : undefined);
      assert.deepEqual(weights(d.table), r.want);
    });
  }
});

describe('desiredPool: service and destination specs', () => {
  it('scheduler, flags, persistence and granularity', async () => {
    const c = await parse(VS(' lvs_sched sh\n sh-port\n persistence_timeout\n persistence_granularity 255.255.255.0\n ops\n' + RS3));
    const s = desiredPool(c).table.get(K)?.service;
    assert.deepEqual(s, { key: { kind: 'address', family: 4, address: '192.0.2.10', port: 80, protocol: 'tcp' }, scheduler: 'sh', flags: { persistent: true, onePacket: true, shPort: true }, timeout: 360, netmaskPrefix: 24 });
  });
  it('defaults: wlc, no persistence, full prefix; lb_algo and lb_kind aliases', async () => {
    const c = await parse(VS(' lb_algo wrr\n lb_kind DR\n' + RS3));
    const t = desiredPool(c).table.get(K);
    assert.equal(t?.service.scheduler, 'wrr');
    assert.equal(t?.service.timeout, 0);
    assert.equal(t?.service.netmaskPrefix, 32);
    assert.equal(t?.destinations.get('198.51.100.11:8080')?.forwarding, 'dr');
    const c2 = await parse(VS(RS3));
    assert.equal(desiredPool(c2).table.get(K)?.service.scheduler, 'wlc');
  });
  it('TUN with tunnel options per real server; the sorry server has its own method', async () => {
    const c = await parse(
      VS(' lvs_method NAT\n quorum 5\n sorry_server 203.0.113.50 8080\n sorry_server_lvs_method DR\n real_server 198.51.100.11 8080 {\n lvs_method TUN type gue port 6080 csum\n uthreshold 100\n lthreshold 10\n }\n'),
    );
    const t = desiredPool(c, state('192.0.2.10:80', {}, true)).table.get(K);
    const d = t?.destinations.get('198.51.100.11:8080');
    assert.equal(d?.forwarding, 'tun');
    assert.deepEqual(d?.tunnel, { type: 'gue', port: 6080, checksum: 'csum' });
    assert.equal(d?.upperThreshold, 100);
    assert.equal(d?.lowerThreshold, 10);
    const lost = desiredPool(c, state('192.0.2.10:80', { '198.51.100.11:8080': { up: false } })).table.get(K);
    assert.equal(lost?.destinations.get('203.0.113.50:8080')?.forwarding, 'dr');
  });
  it('protocol UDP and IPv6', async () => {
    const c = await parse('virtual_server 2001:db8::10 53 {\n protocol UDP\n real_server 2001:db8:1::11 53 {\n }\n}\n');
    const d = desiredPool(c);
    assert.deepEqual([...d.table.keys()], ['udp:[2001:db8::10]:53']);
    assert.deepEqual([...(d.table.get('udp:[2001:db8::10]:53')?.destinations.keys() ?? [])], ['[2001:db8:1::11]:53']);
  });
  it('reports the quorum it used; an unknown group is skipped with a reason', async () => {
    const c = await parse(VS(' quorum 3\n' + RS3));
    assert.deepEqual(desiredPool(c).quorum.get('192.0.2.10:80'), { up: true, alive: 4, quorum: 3, hysteresis: 0 });
    const d = desiredPool({ virtual_server: (await parse(VS(RS3, 'group NOPE'))).virtual_server ?? [] });
    assert.equal(d.table.size, 0);
    assert.match(d.skipped[0] ?? '', /NOPE/);
  });
});

describe('quorum and ranges', () => {
  const rowsQ: [boolean, number, number, number, boolean][] = [
    [true, 4, 3, 1, true],
    [true, 2, 3, 1, true],
    [true, 1, 3, 1, false],
    [true, 0, 0, 0, false],
    [false, 3, 3, 1, false],
    [false, 4, 3, 1, true],
  ];
  for (const [prev, alive, q, h, want] of rowsQ) {
    it(`was ${prev ? 'up' : 'down'}, alive ${alive}, quorum ${q}, hysteresis ${h} -> ${want ? 'up' : 'down'}`, () => assert.equal(nextQuorumUp(prev, alive, q, h), want));
  }
  it('expands IPv4 and IPv6 ranges, and refuses huge ones', () => {
    assert.deepEqual(expandRange({ family: 4, address: '192.0.2.254' }, { family: 4, address: '192.0.3.1' }), ['192.0.2.254', '192.0.2.255', '192.0.3.0', '192.0.3.1']);
    assert.deepEqual(expandRange({ family: 6, address: '2001:db8::ff' }, { family: 6, address: '2001:db8::101' }), ['2001:db8::ff', '2001:db8::100', '2001:db8::101']);
    assert.equal(expandRange({ family: 4, address: '10.0.0.0' }, { family: 4, address: '10.255.255.255' }), undefined);
  });
});
