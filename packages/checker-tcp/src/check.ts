import type { Checker, CheckResult, CheckTarget, PluginServices } from '@vigil/core/plugin';
import { connectAndClose, formatEndpoint } from './connect.js';

/** TCP_CHECK: the real server is up when a TCP connection to it succeeds within connect_timeout. */
export class TcpChecker implements Checker {
  private fwmarkWarned = false;

  constructor(private readonly services: PluginServices) {}

  async check(target: CheckTarget, signal: AbortSignal): Promise<CheckResult> {
    if (target.fwmark !== undefined && !this.fwmarkWarned) {
      this.fwmarkWarned = true;
      this.services.log.warn({ fwmark: target.fwmark }, 'fwmark is not applied to TCP_CHECK connections: Node.js cannot set SO_MARK on a socket');
    }
    const clock = this.services.clock;
    const start = clock.monotonicMs();
    const outcome = await connectAndClose(target, signal);
    const latencyMs = clock.monotonicMs() - start;
    if (!outcome.ok) return { ok: false, detail: outcome.detail, latencyMs };
    return { ok: true, detail: `connected to ${formatEndpoint(target.address, target.port)}`, latencyMs };
  }
}
