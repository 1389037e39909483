import { k, type ArgReader, type Fields } from '@vigil/core/plugin';
import { prefixProblem } from './topics.js';

export const BROKER_PROTOCOLS = ['mqtt:', 'mqtts:', 'ws:', 'wss:'] as const;

function readBroker(a: ArgReader): string {
  const t = a.next('a broker URL (mqtt://HOST[:PORT], mqtts://, ws://, wss://)');
  let url: URL;
  try {
    url = new URL(t.text);
  } catch {
    a.fail(`'broker': '${t.text}' is not a URL; write mqtt://HOST[:PORT], mqtts://, ws:// or wss://`, t.loc);
  }
  if (!(BROKER_PROTOCOLS as readonly string[]).includes(url.protocol)) {
    a.fail(`'broker': ${url.protocol}// is not supported; use mqtt://, mqtts://, ws:// or wss://`, t.loc);
  }
  if (url.hostname === '') a.fail(`'broker': '${t.text}' names no host`, t.loc);
  return t.text;
}

function readPrefix(a: ArgReader): string {
  const t = a.next('a topic prefix');
  const prefix = t.text.replace(/\/+$/, '');
  const problem = prefixProblem(prefix);
  if (problem) a.fail(`'topic_prefix' '${t.text}' ${problem}`, t.loc);
  return prefix;
}

/**
 * The `notifier mqtt { }` block. Keepalived has no MQTT output; these keywords are vigil's.
 * Times are in seconds, as everywhere in keepalived.conf.
 */
export const mqttSchema = {
  broker: k.custom('URL', readBroker).active().doc('The broker: mqtt://HOST[:PORT] (1883), mqtts:// (8883), ws://HOST:PORT/PATH or wss://. Default mqtt://localhost:1883.'),
  client_id: k.string('ID').active().doc('MQTT client identifier. Default vigil-<router_id>-<random>.'),
  username: k.string('NAME').active().doc('User name for the broker.'),
  password: k.string('SECRET').active().doc('Password for the broker.'),
  ca_file: k.string('FILE').active().doc('PEM file of the CA(s) that signed the broker certificate (mqtts://, wss://). Default: the system CAs.'),
  cert_file: k.string('FILE').active().doc('PEM client certificate, for brokers that require one.'),
  key_file: k.string('FILE').active().doc('PEM private key of cert_file.'),
  router_id: k.string('NAME').active().doc('This router\'s name in the default topic prefix. Default: global_defs router_id, else the host name.'),
  topic_prefix: k.custom('PREFIX', readPrefix).active().doc('Prefix of every topic. Default vigil/<router_id>.'),
  qos: k.int(0, 2).active().doc('QoS of every message. Default 1.'),
  retain: k.bool().active().doc('Retain the state topics (vrrp, vrrp_group, pool). Default on. The status topic is always retained, events never.'),
  max_buffered: k.int(1, 10_000_000).active().doc('Messages kept while the broker is away; the oldest are dropped beyond it. Default 10000.'),
  keepalive: k.int(0, 65535).active().doc('MQTT keep-alive in seconds; a broker that answers no ping within 1.5 times it is reconnected. Default 30.'),
  connect_timeout: k.timer(0.001, 3600).active().doc('Seconds allowed for the connection and the broker\'s CONNACK. Default 10.'),
  reconnect_delay: k.timer(0.001, 3600).active().doc('First delay before reconnecting; it doubles after each failed attempt. Default 1.'),
  reconnect_max_delay: k.timer(0.001, 86400).active().doc('Bound of the reconnect delay. Default 30.'),
} satisfies Fields;

export type MqttSchema = typeof mqttSchema;
