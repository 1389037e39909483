/** IP protocol number of VRRP: RFC 3768 §5.2.4, RFC 5798 §5.1.1.4. */
export const IPPROTO_VRRP = 112;

/** IP protocol number of the IPsec Authentication Header: RFC 4302 §2. */
export const IPPROTO_AH = 51;

/** TTL / hop limit an advert is sent with, and a multicast advert must arrive with: RFC 5798 §5.1.1.3. */
export const VRRP_TTL = 255;

/** TOS of Keepalived's IPv4 adverts, "internet network control" (vrrp_build_ip4). */
export const VRRP_IPV4_TOS = 0xc0;

/** The only VRRP packet type: RFC 5798 §5.2.2. */
export const VRRP_TYPE_ADVERTISEMENT = 1;

/** Version/type, VRID, priority, count, auth type + adver int (v2) or rsvd + max adver int (v3), checksum. */
export const VRRP_HEADER_LENGTH = 8;

/** Auth Type values of RFC 2338 §5.3.6; RFC 3768 reserves 1 and 2, Keepalived still sends them. */
export const AUTH_NONE = 0;
export const AUTH_PASS = 1;
export const AUTH_AH = 2;

/** RFC 2338 §5.3.10 Authentication Data: two words after the addresses, in v2 over IPv4 only. */
export const AUTH_DATA_LENGTH = 8;

/** RFC 5798 §5.2.7 Max Adver Int: 12 bits of centiseconds. */
export const MAX_ADVERT_INT_CS = 0x0fff;
