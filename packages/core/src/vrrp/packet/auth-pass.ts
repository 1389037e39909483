import { timingSafeEqual } from 'node:crypto';
import { AUTH_DATA_LENGTH } from './constants.js';

/**
 * The 8 bytes Keepalived makes of an auth_pass: its first 8 bytes (characters, for ASCII), zero-padded. They
 * are the Authentication Data of a PASS advert and the HMAC key of AH.
 */
export function passwordAuthData(password: string): Buffer {
  const data = Buffer.alloc(AUTH_DATA_LENGTH);
  Buffer.from(password, 'utf8').copy(data, 0, 0, AUTH_DATA_LENGTH);
  return data;
}

/** Whether received Authentication Data carries `password`, compared in constant time. */
export function passwordMatches(authData: Uint8Array, password: string): boolean {
  return authData.length === AUTH_DATA_LENGTH && timingSafeEqual(authData, passwordAuthData(password));
}
