// The test side of agent.ts: starts an agent inside a namespace, calls it, and waits for what it observes.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { NetNs } from '../lib/netns.js';

const AGENT = join(dirname(fileURLToPath(import.meta.url)), 'agent.js');

/** An error the agent reported, with the fields of vigil's typed errors. */
export class AgentCallError extends Error {
  constructor(
    readonly op: string,
    readonly detail: { name?: string; message?: string; code?: string; errno?: number; errnoCode?: string },
  ) {
    super(`${op}: ${detail.name}: ${detail.message}`);
    this.name = 'AgentCallError';
  }
}

export type AgentEvent = Record<string, unknown> & { readonly event: string };

export class Agent {
  readonly events: AgentEvent[] = [];
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; op: string }>();
  private readonly waiters = new Set<() => void>();
  private nextId = 1;
  private stderr = '';

  private constructor(
    readonly ns: NetNs,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {}

  /** Starts the agent inside `ns` and waits until it is ready. */
  static start(ns: NetNs): Promise<Agent> {
    const child = ns.spawn(process.execPath, [AGENT]);
    const agent = new Agent(ns, child);
    child.stderr.on('data', (d: Buffer) => (agent.stderr += d.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`agent in ${ns.name} did not start: ${agent.stderr}`)), 10_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`agent in ${ns.name} exited (${code}): ${agent.stderr}`));
        for (const p of agent.pending.values()) p.reject(new Error(`agent exited (${code}): ${agent.stderr}`));
      });
      createInterface({ input: child.stdout }).on('line', (line) => {
        const msg = JSON.parse(line) as Record<string, unknown>;
        if (msg.ready) {
          clearTimeout(timer);
          resolve(agent);
        } else if (typeof msg.id === 'number') {
          const p = agent.pending.get(msg.id);
          agent.pending.delete(msg.id);
          if (msg.ok) p?.resolve(msg.result);
          else p?.reject(new AgentCallError(p.op, msg.error as AgentCallError['detail']));
        } else {
          agent.events.push(msg as AgentEvent);
          for (const w of agent.waiters) w();
        }
      });
    });
  }

  call<T = unknown>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, op });
      this.child.stdin.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  }

  /** The first event (from `from` on) that `match` accepts; rejects after `timeoutMs`. */
  waitFor(match: (e: AgentEvent) => boolean, timeoutMs = 5000, from = 0): Promise<AgentEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.slice(from).find(match);
        if (found) {
          this.waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
        return !!found;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no matching event from the agent in ${this.ns.name} within ${timeoutMs} ms; got ${JSON.stringify(this.events.slice(from))}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }

  /** Ends the agent: closes its stdin (it cleans up and exits), and kills it if it lingers. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
}

/** Polls `probe` until it returns something other than undefined; throws after `timeoutMs`. */
export async function waitUntil<T>(probe: () => T | undefined, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
