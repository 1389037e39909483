/**
 * The MQTT notifier for vigil: every event on `<prefix>/events`, and the current state of each
 * VRRP instance, sync group, real server and quorum as retained JSON on its own topic, with
 * `<prefix>/status` = online / offline (the last will). Topics and payloads: docs/mqtt.md.
 *
 *   notifier mqtt {
 *       broker mqtts://broker.example.net
 *       ca_file /etc/vigil/broker-ca.pem
 *       username vigil
 *       password secret
 *   }
 */
import { defineNotifier, type Fields } from '@vigil/core/plugin';
import { mqttSchema } from './config.schema.js';
import { MqttNotifier, resolveOptions } from './mqtt.notifier.js';

export { MqttNotifier, resolveOptions, type MqttNotifierStats, type MqttOptions } from './mqtt.notifier.js';
export { topicSegment, messagesFor } from './topics.js';

// The explicit <Fields> keeps the emitted index.d.ts free of core's internal types.
export default defineNotifier<Fields>({
  keyword: 'mqtt',
  description: 'publishes VRRP, pool and daemon events to an MQTT broker: retained state topics and an event stream',
  schema: mqttSchema,
  create(config, services) {
    return new MqttNotifier(resolveOptions(config, services.routerId), services);
  },
});
