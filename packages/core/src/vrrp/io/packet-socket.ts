// The one door to the native addon (@vigil/native): an AF_PACKET socket that sends whole Ethernet frames. It is
// loaded on first use, so that importing this module costs nothing where no frame is ever sent.
import { createRequire } from 'node:module';
import type * as Native from '@vigil/native';
import { NativeLoadError } from './errors.js';

/** Sends whole Ethernet frames out of one interface; what garp.ts needs, and what tests replace. */
export interface FrameSocket {
  readonly ifindex: number;
  /** Sends one frame; returns the bytes sent. Throws the kernel's error (errno, code, syscall) if it fails. */
  send(frame: Uint8Array): number;
  close(): void;
}

let native: typeof Native | undefined;

function loadNative(): typeof Native {
  if (!native) {
    try {
      native = createRequire(import.meta.url)('@vigil/native') as typeof Native;
    } catch (err) {
      throw new NativeLoadError('@vigil/native', 'cannot load @vigil/native, which sends gratuitous ARP and unsolicited NA', err);
    }
  }
  return native;
}

/** Opens an AF_PACKET socket for the interface `ifindex` (needs CAP_NET_RAW). */
export function openPacketSocket(ifindex: number): FrameSocket {
  return new (loadNative().PacketSocket)(ifindex);
}
