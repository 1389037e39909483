import type { Fields } from '@vigil/core/plugin';

/**
 * TCP_CHECK takes no keywords of its own: Keepalived 2.2.7 installs only the common checker
 * keywords in its block (connect_ip, connect_port, bindto, bind_port, bind_if, connect_timeout,
 * fwmark, retry, delay_before_retry, warmup, delay_loop, alpha, log_all_failures), and core adds
 * those to every checker's schema.
 */
export const tcpSchema: Fields = {};
