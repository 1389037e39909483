#!/usr/bin/env node
// Follows vigil's MQTT topics and prints one line per message.
//
//   node examples/subscribe.mjs [BROKER_URL] [TOPIC_FILTER]
//   node examples/subscribe.mjs mqtt://localhost:1883 'vigil/#'
//
// Needs the `mqtt` package (npm install mqtt). Stop it with Ctrl-C.
import { connect } from 'mqtt';

const [url = 'mqtt://localhost:1883', filter = 'vigil/#'] = process.argv.slice(2);
const client = connect(url);

client.on('connect', () => client.subscribe(filter, { qos: 1 }));
client.on('error', (err) => console.error(`mqtt: ${err.message}`));

client.on('message', (topic, payload) => {
  const text = payload.toString();
  if (topic.endsWith('/status')) return console.log(`${topic}: ${text}`);
  const m = JSON.parse(text);
  if (topic.endsWith('/events')) return console.log(`event ${m.type} at ${m.time}`);
  if (m.instance ?? m.group) {
    const what = m.instance ? `instance ${m.instance}` : `group ${m.group}`;
    return console.log(`VRRP ${what}: ${m.previous} -> ${m.state} (priority ${m.priority}, ${m.reason})`);
  }
  if (m.realServer) {
    const why = m.checker ? ` (${m.checker}: ${m.detail})` : '';
    return console.log(`real server ${m.realServer} of ${m.virtualServer}: ${m.up ? 'up' : 'down'}, weight ${m.weight}${why}`);
  }
  if (m.quorum !== undefined) {
    return console.log(`virtual server ${m.virtualServer}: quorum ${m.up ? 'up' : 'down'} (alive ${m.alive}, quorum ${m.quorum})`);
  }
  console.log(`${topic} ${text}`);
});

process.on('SIGINT', () => client.end(() => process.exit(0)));
process.on('SIGTERM', () => client.end(() => process.exit(0)));
