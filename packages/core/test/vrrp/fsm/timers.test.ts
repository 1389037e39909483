import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareAddresses } from '../../../src/vrrp/fsm/address.js';
import { createInstance, step } from '../../../src/vrrp/fsm/machine.js';
import { advertIntervalUs, masterDownIntervalUs, skewTimeUs } from '../../../src/vrrp/fsm/timers.js';
import { params } from './fixtures.js';

describe('timer formulas (µs), RFC 3768 §6.1 / RFC 5798 §6.1 as Keepalived computes them', () => {
  const cases: [label: string, version: 2 | 3, priority: number, advertInt: number, skew: number, down: number][] = [
    ['v2, 1 s, priority 100', 2, 100, 1, 609_375, 3_609_375],
    ['v2, 1 s, priority 254', 2, 254, 1, 7_812, 3_007_812],
    ['v2, 1 s, owner 255', 2, 255, 1, 3_906, 3_003_906],
    ['v2, 5 s, priority 100: the skew does not scale with the interval', 2, 100, 5, 609_375, 15_609_375],
    ['v3, 1 s (100 cs), priority 100', 3, 100, 100, 609_375, 3_609_375],
    ['v3, 100 ms (10 cs), priority 100', 3, 100, 10, 60_937, 360_937],
    ['v3, 10 ms (1 cs), priority 100', 3, 100, 1, 6_093, 36_093],
    ['v3, 10 ms (1 cs), priority 254', 3, 254, 1, 78, 30_078],
    ['v3, 10 ms (1 cs), priority 1', 3, 1, 1, 9_960, 39_960],
    ['v3, 40.95 s (4095 cs), priority 100', 3, 100, 4095, 24_953_906, 147_803_906],
  ];
  for (const [label, version, priority, advertInt, skew, down] of cases) {
    it(label, () => {
      assert.equal(skewTimeUs(version, priority, advertInt), skew);
      assert.equal(masterDownIntervalUs(version, priority, advertInt, 3), down);
    });
  }

  it('the advert interval in wire units: v2 seconds, v3 centiseconds', () => {
    assert.equal(advertIntervalUs(2, 1), 1_000_000);
    assert.equal(advertIntervalUs(3, 1), 10_000);
    assert.equal(advertIntervalUs(3, 100), 1_000_000);
  });

  it('down_timer_adverts replaces the factor 3', () => {
    assert.equal(masterDownIntervalUs(3, 100, 100, 5), 5_609_375);
  });

  it('priorities still break ties at 10 ms: the skew is not rounded to centiseconds', () => {
    assert.ok(skewTimeUs(3, 254, 1) < skewTimeUs(3, 253, 1));
    assert.ok(skewTimeUs(3, 101, 1) < skewTimeUs(3, 100, 1));
  });

  for (const [label, advertInt, deadline] of [
    ['1 s', 100, 3609.375],
    ['100 ms', 10, 360.937],
    ['10 ms', 1, 36.093],
  ] as const) {
    it(`a v3 backup at ${label} starts with its down timer at ${deadline} ms`, () => {
      const r = step(createInstance(params({ advertInt })), { kind: 'startup' }, 0);
      assert.equal(r.state.timers['master-down'], deadline);
    });
  }

  it('a v3 backup times a 10 ms master from its adverts and takes over 36.093 ms after the last', () => {
    let s = step(createInstance(params()), { kind: 'startup' }, 0).state;
    s = step(s, { kind: 'advert', advert: { priority: 200, source: '192.0.2.2', advertInt: 1 } }, 100).state;
    const deadline = s.timers['master-down'] ?? NaN;
    // In whole µs: the deadline itself is a float in ms.
    assert.equal(Math.round((deadline - 100) * 1000), 36_093);
    const r = step(s, { kind: 'timer', timer: 'master-down' }, deadline);
    assert.equal(r.state.state, 'MASTER');
  });
});

describe('compareAddresses: numeric, as Keepalived inet_sockaddrcmp', () => {
  const cases: [string, string, -1 | 0 | 1][] = [
    ['192.0.2.10', '192.0.2.9', 1],
    ['192.0.2.9', '192.0.2.10', -1],
    ['198.51.100.1', '192.0.2.255', 1],
    ['192.0.2.1', '192.0.2.1', 0],
    ['2001:db8::10', '2001:db8::9', 1],
    ['2001:db8::1:0', '2001:db8::ffff', 1],
    ['2001:db8::', '2001:db8:0:0:0:0:0:0', 0],
    ['fe80::1', '2001:db8::1', 1],
    ['::ffff:192.0.2.1', '::ffff:c000:201', 0],
    ['192.0.2.1', '2001:db8::1', -1],
    ['not an address', '192.0.2.1', 0],
    ['2001:db8::1::2', '2001:db8::1', 0],
  ];
  for (const [a, b, want] of cases) {
    it(`${a} vs ${b}: ${want}`, () => assert.equal(compareAddresses(a, b), want));
  }
});
