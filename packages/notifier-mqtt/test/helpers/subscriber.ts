import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { until } from './processes.js';

export interface Received {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

/** A test subscriber: records every message it gets on `filter`. */
export class Subscriber {
  readonly messages: Received[] = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, payload: payload.toString('utf8'), retain: packet.retain });
    });
  }

  static async connect(url: string, filter: string, options: IClientOptions = {}): Promise<Subscriber> {
    const client = connect(url, { reconnectPeriod: 50, connectTimeout: 5000, ...options });
    client.on('error', () => {});
    const sub = new Subscriber(client);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`subscriber: no connection to ${url}`)), 5000);
      client.once('connect', () => {
        client.subscribe(filter, { qos: 1 }, (err) => {
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        });
      });
    });
    return sub;
  }

  on(topic: string): Received[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  last(topic: string): Received | undefined {
    return this.on(topic).at(-1);
  }

  async waitFor(cond: (messages: Received[]) => boolean, what: string, ms = 5000): Promise<void> {
    await until(() => cond(this.messages), what, ms);
  }

  async waitCount(topic: string, n: number, ms = 5000): Promise<Received[]> {
    await this.waitFor((m) => m.filter((x) => x.topic === topic).length >= n, `${n} messages on ${topic}`, ms);
    return this.on(topic);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.client.end(true, () => resolve()));
  }
}
