import { readdirSync } from 'node:fs';

/** Facts about the machine that semantic checks need (Keepalived checks them too). */
export interface HostInfo {
  /** Whether a network interface of this name exists now. */
  interfaceExists(name: string): boolean;
}

/** The running host: interfaces from /sys/class/net, which lists them with or without addresses. */
export function currentHost(): HostInfo {
  let names: Set<string> | undefined;
  return {
    interfaceExists(name: string): boolean {
      names ??= new Set(safeList('/sys/class/net'));
      return names.has(name);
    },
  };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
