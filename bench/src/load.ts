/**
 * Load generator: one MQTT connection per bench device, each keeping `window` QoS 1 publishes in
 * flight, for `seconds`. Prints one JSON line: messages acknowledged, elapsed, rate, and its own
 * CPU seconds (user + system, the whole process) and peak RSS; a progress line every 5 s goes to
 * stderr.
 *   node bench/src/load.ts <brokerUrl> <devices> <seconds> <window> [rate-limit msg/s]
 */
import mqtt from 'mqtt';
import { benchDeviceId, benchPassword } from './bench-fleet.ts';

const [url = 'mqtt://127.0.0.1:1884', devicesArg = '50', secondsArg = '10', windowArg = '64', rateArg] =
  process.argv.slice(2);
const devices = Number(devicesArg);
const seconds = Number(secondsArg);
const window = Number(windowArg);
const rate = rateArg === undefined ? Number.POSITIVE_INFINITY : Number(rateArg);

const clients = await Promise.all(
  Array.from({ length: devices }, (_, i) =>
    mqtt.connectAsync(url, {
      username: benchDeviceId(i),
      password: benchPassword(benchDeviceId(i)),
      clientId: `load-${i}`,
      reconnectPeriod: 0,
      clean: true,
    }),
  ),
);

// Unique timestamps per device: one per millisecond, starting a day ago (within the accepted age).
const tsBase = Date.now() - 86_400_000;
let acked = 0;
let errors = 0;
let sent = 0;
const started = performance.now();
const deadline = started + seconds * 1000;
const perClientRate = rate / devices;
const progress = setInterval(() => {
  const s = (performance.now() - started) / 1000;
  process.stderr.write(
    `[load] ${Math.round(s)} s: ${acked.toLocaleString('en-US')} acknowledged (${Math.round(acked / s).toLocaleString('en-US')} msg/s)\n`,
  );
}, 5_000);

await Promise.all(
  clients.map(async (client, i) => {
    const id = benchDeviceId(i);
    const topic = `hpg/v1/devices/${id}/meter`;
    let seq = 0;
    let inFlight = 0;
    await new Promise<void>((resolve) => {
      const pump = () => {
        const now = performance.now();
        if (now >= deadline) {
          if (inFlight === 0) resolve();
          return;
        }
        const allowed = Number.isFinite(perClientRate)
          ? Math.floor(((now - started) / 1000) * perClientRate)
          : Number.POSITIVE_INFINITY;
        while (inFlight < window && seq < allowed) {
          const ts = new Date(tsBase + seq).toISOString();
          const payload = `{"v":1,"deviceId":"${id}","ts":"${ts}","metrics":{"energy_import":{"value":${1000 + seq / 1000},"unit":"kWh"},"power":{"value":${30 + (seq % 10)},"unit":"kW"}}}`;
          seq++;
          sent++;
          inFlight++;
          client.publish(topic, payload, { qos: 1 }, (err) => {
            inFlight--;
            if (err) errors++;
            else acked++;
            pump();
          });
        }
        if (inFlight === 0) setTimeout(pump, 5);
      };
      pump();
    });
  }),
);
const elapsed = (performance.now() - started) / 1000;
clearInterval(progress);
await Promise.all(clients.map((c) => c.endAsync()));
const cpu = process.cpuUsage();
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const maxRssMb = Math.round((process.resourceUsage().maxRSS * 1024) / 1e6);
process.stdout.write(
  `${JSON.stringify({ devices, window, sent, acked, errors, elapsed, rate: acked / elapsed, cpuSeconds, maxRssMb })}\n`,
);
