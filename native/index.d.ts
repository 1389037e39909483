/**
 * An AF_PACKET socket that sends whole Ethernet frames (header included) out of one interface. Non-blocking:
 * a send that would block throws EAGAIN. Receives nothing. Needs CAP_NET_RAW.
 *
 * Errors are {@link NativeErrnoError}s.
 */
export declare class PacketSocket {
  /** Opens the socket for the interface with this index; throws if the socket cannot be made. */
  constructor(ifindex: number);
  readonly ifindex: number;
  readonly closed: boolean;
  /** Sends one frame (at least 14 bytes, destination MAC first); returns the bytes sent. */
  send(frame: Uint8Array): number;
  /** Closes the socket; a second call does nothing. The garbage collector closes a forgotten socket too. */
  close(): void;
}

/** What the addon throws for a failed system call. */
export interface NativeErrnoError extends Error {
  /** errno(3), positive: 19 for ENODEV. */
  readonly errno: number;
  readonly code: string;
  readonly syscall: string;
}
