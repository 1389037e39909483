import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { checkBlock, checkFile, registry } from '@vigil/core/testing';

const corpus = (name: string): string => fileURLToPath(new URL(`../../../../test/conformance/corpus/${name}`, import.meta.url));

describe('TCP_CHECK schema', () => {
  it('is found from package.json as the plugin @vigil/checker-tcp', () => {
    const claim = registry.claim('checker', 'TCP_CHECK');
    assert.equal(claim?.plugin.name, '@vigil/checker-tcp');
    assert.equal(claim?.plugin.apiVersion, '^1.0.0');
  });

  it('validates a real_server with a TCP_CHECK and the common keywords', async () => {
    const r = await checkBlock(['        TCP_CHECK {', '            connect_port 8080', '            connect_timeout 3', '            bindto 192.0.2.9', '            retry 2', '        }'].join('\n'));
    assert.deepEqual(r.errors, [], r.report);
    assert.equal(r.checkers.length, 1);
    assert.equal(r.checkers[0]?.type, 'TCP_CHECK');
    assert.equal(r.checkers[0]?.config.connect_port, 8080);
    assert.equal(r.checkers[0]?.config.connect_timeout, 3);
  });

  it('rejects a keyword of another checker, as Keepalived -t does', async () => {
    const r = await checkBlock(['        TCP_CHECK {', '            helo_name mx.example.com', '        }'].join('\n'));
    assert.equal(r.errors.length, 1, r.report);
    assert.match(r.errors[0]?.message ?? '', /unknown keyword 'helo_name'/);
    assert.equal(r.errors[0]?.loc.line, 7);
  });

  it('accepts the conformance file with TCP_CHECKs', async () => {
    const r = await checkFile(corpus('21-vs-ip-port-tcp-check.conf'));
    assert.deepEqual(r.errors, [], r.report);
  });
});
