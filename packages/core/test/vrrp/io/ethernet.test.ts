import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMac, parseEthernetHeader, parseMac, vmacAddress } from '../../../src/vrrp/io/ethernet.js';

describe('MAC addresses', () => {
  it('is the RFC 5798 §7.3 virtual router MAC of a VRID, per family', () => {
    assert.equal(vmacAddress(51, 4), '00:00:5e:00:01:33');
    assert.equal(vmacAddress(51, 6), '00:00:5e:00:02:33');
    assert.equal(vmacAddress(1, 4), '00:00:5e:00:01:01');
    assert.equal(vmacAddress(255, 6), '00:00:5e:00:02:ff');
    for (const bad of [0, 256, 1.5, -1]) assert.throws(() => vmacAddress(bad, 4), RangeError);
  });

  it('reads and writes aa:bb:cc:dd:ee:ff', () => {
    assert.deepEqual(parseMac('0:0:5E:0:1:33'), Buffer.from('00005e000133', 'hex'));
    assert.equal(formatMac(Buffer.from('00005e000133', 'hex')), '00:00:5e:00:01:33');
    for (const bad of ['', '00:00:5e:00:01', '00:00:5e:00:01:333', '00-00-5e-00-01-33', 'zz:00:5e:00:01:33']) {
      assert.throws(() => parseMac(bad), RangeError, bad);
    }
    assert.throws(() => formatMac(Buffer.alloc(5)), RangeError);
  });

  it('parses an Ethernet header', () => {
    const header = Buffer.from('ffffffffffff02000000000a0806', 'hex');
    assert.deepEqual(parseEthernetHeader(header), { destination: 'ff:ff:ff:ff:ff:ff', source: '02:00:00:00:00:0a', etherType: 0x0806 });
    assert.equal(parseEthernetHeader(header.subarray(0, 13)), undefined);
  });
});
