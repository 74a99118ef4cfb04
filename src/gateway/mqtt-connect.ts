// An mqtt.js client for a broker URL whose TCP and TLS transports do not load mqtt.js's others (docs/gateway.md,
// "Sixth round").
import { isIP, createConnection } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import mqtt, { type IClientOptions, type IStream, type MqttClient } from 'mqtt';

/**
 * An MQTT client connected to `url` as `mqtt.connect(url, options)` would connect it. `mqtt.connect` loads every
 * transport it knows on its first call (`ws` for WebSockets, `socks` with `ip-address` for SOCKS proxies: ~30
 * modules, their code held by V8 for the process's life), though a gateway uses one; for `mqtt:`, `tcp:`, `mqtts:`
 * and `ssl:` URLs this builds the client on mqtt.js's own `net`/`tls` stream builders, copied without their SOCKS
 * branch, so reconnects, keepalive and sessions are mqtt.js's. WebSocket URLs, and a SOCKS proxy set in
 * `MQTTJS_SOCKS_PROXY` (which mqtt.js honours), still go through `mqtt.connect`.
 */
export function connectMqtt(url: string, options: IClientOptions): MqttClient {
  const parsed = new URL(url);
  const protocol = parsed.protocol.replace(/:$/, '');
  const secure = protocol === 'mqtts' || protocol === 'ssl';
  if ((!secure && protocol !== 'mqtt' && protocol !== 'tcp') || process.env['MQTTJS_SOCKS_PROXY']) {
    return mqtt.connect(url, options);
  }
  // As mqtt.connect: the URL's parts under the caller's options, except credentials and `?clientId=`, which win
  // (a password with an escaped `:` is read whole here, where mqtt.connect splits it at that `:`).
  const opts: IClientOptions = {
    // WHATWG URLs keep an IPv6 host in brackets, which `net` does not take.
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    ...(parsed.port ? { port: Number(parsed.port) } : {}),
    protocol: secure ? 'mqtts' : 'mqtt',
    ...options,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.searchParams.has('clientId') ? { clientId: parsed.searchParams.get('clientId')! } : {}),
  };
  const client = new mqtt.MqttClient((self) => (secure ? tlsStream(self, opts) : tcpStream(opts)), opts);
  // mqtt.connect adds this listener too: without it an error event with no listener of the caller's would throw.
  client.on('error', () => {});
  return client;
}

/** mqtt.js's TCP stream (`build/lib/connect/tcp.js`) without its SOCKS branch. */
function tcpStream(opts: IClientOptions): IStream {
  opts.port = opts.port || 1883;
  opts.hostname = opts.hostname || opts.host || 'localhost';
  return createConnection({ port: opts.port, host: opts.hostname });
}

/** mqtt.js's TLS stream (`build/lib/connect/tls.js`) without its SOCKS branch. */
function tlsStream(client: MqttClient, opts: IClientOptions): IStream {
  opts.port = opts.port || 8883;
  opts.host = opts.hostname || opts.host || 'localhost';
  if (isIP(opts.host) === 0 && !opts.servername) opts.servername = opts.host;
  opts.rejectUnauthorized = opts.rejectUnauthorized !== false;
  const connection = tlsConnect(opts as Parameters<typeof tlsConnect>[0]);
  const tlsError = (error: Error): void => {
    if (opts.rejectUnauthorized) client.emit('error', error);
    connection.end();
  };
  connection.on('secureConnect', () => {
    if (opts.rejectUnauthorized && !connection.authorized) {
      connection.emit('error', new Error('TLS not authorized'));
    } else {
      connection.removeListener('error', tlsError);
    }
  });
  connection.on('error', tlsError);
  return connection;
}
