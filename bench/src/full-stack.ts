/**
 * Full-stack benchmark on this machine: Mosquitto + Kafka + InfluxDB (native, fresh instances on
 * free ports) with ingest and writer as their own processes, fed by the load generator.
 *
 * 1. Ceilings, same run, same fresh engines, each engine with its own kind of tool
 *    (ceilings.ts): Mosquitto publish → subscribe with the load generator and one subscriber;
 *    Kafka's ProducerPerformance (acks=all, records the size of ours); InfluxDB raw line-protocol
 *    writes (5,000-line batches of our meter lines, a few concurrent writers, fixed time).
 * 2. Sustained throughput: the load generator at full speed for `seconds`; messages/s
 *    acknowledged by the broker, and stored/s = points in InfluxDB / time until the last landed,
 *    as a ratio to the slowest ceiling (target ≥ 0.5) and to each. CPU % and RSS of every process
 *    (ingest, writer, the three engines, the load generator) over that window, and the CPU the
 *    rest of the machine used meanwhile (other users on a shared machine: a low run's cause).
 * 3. Latency at a fixed rate (default 5,000 msg/s): probes published among the load, each
 *    polled in InfluxDB until queryable; p50 / p95 / p99 of publish → queryable.
 *
 * Prints tables, writes bench-results/full-stack.json, progress goes to stderr.
 *
 *   node bench/src/full-stack.ts [devices=100] [seconds=20] [window=32] [latencyRate=5000]
 *
 * Env: HPG_BENCH_KAFKA_RECORDS [seconds × 50,000, at least 100,000] records ProducerPerformance
 * sends; HPG_BENCH_INFLUX_WRITERS [4] concurrent line-protocol writers; HPG_KAFKA_PARTITIONS [6]
 * partitions of the pipeline's topics (the bus's default) and of the Kafka ceiling's topic.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { benchDeviceId } from './bench-fleet.ts';
import { influxCeiling, kafkaCeiling, loadUsage, mosquittoCeiling, readingRecordBytes, runLoad } from './ceilings.ts';
import { CpuWindow, MACHINE_CPU_PERCENT, type ProcUsage, restOfMachine, round1 } from './proc-stats.ts';
import { BenchStack, influxQuery, int, percentile, probeLatencies, root, sleep, storedReadings } from './stack.ts';

const [devicesArg = '100', secondsArg = '20', windowArg = '32', latencyRateArg = '5000'] = process.argv.slice(2);
const devices = Number(devicesArg);
const seconds = Number(secondsArg);
const window = Number(windowArg);
const latencyRate = Number(latencyRateArg);
const kafkaRecords = Number(process.env.HPG_BENCH_KAFKA_RECORDS ?? Math.max(100_000, seconds * 50_000));
const influxWriters = Number(process.env.HPG_BENCH_INFLUX_WRITERS ?? 4);
const partitions = Number(process.env.HPG_KAFKA_PARTITIONS ?? 6);
const INFLUX_BATCH_LINES = 5_000;
/** The pipeline should store at least this share of the slowest engine's ceiling (issue #8). */
const TARGET_RATIO = 0.5;

const stack = new BenchStack();
const benchStarted = performance.now();
const log = (m: string) =>
  process.stderr.write(`[bench ${Math.round((performance.now() - benchStarted) / 1000)} s] ${m}\n`);

const ratio = (a: number, b: number) => Number((a / b).toFixed(3));

try {
  log(`starting Mosquitto, Kafka and InfluxDB (${devices} devices, ${seconds} s, window ${window})`);
  const { mq, kafka, influx, pids } = await stack.engines();

  log(`ceiling 1/3: Mosquitto publish → subscribe, the load generator and one subscriber, ${seconds} s`);
  const mosquitto = await mosquittoCeiling({
    url: mq.url,
    mosquittoPid: pids.mosquitto,
    devices,
    seconds,
    window,
    log,
  });
  log(
    `  Mosquitto: ${int(mosquitto.msgPerSec)} msg/s delivered (${int(mosquitto.publishAckedMsgPerSec)} acknowledged)`,
  );

  const recordBytes = readingRecordBytes();
  log(`ceiling 2/3: Kafka ProducerPerformance, ${int(kafkaRecords)} records of ${recordBytes} bytes, acks=all`);
  const kafkaResult = await kafkaCeiling({
    env: kafka.env,
    bootstrap: kafka.bootstrap,
    brokerPid: pids.kafka,
    partitions,
    records: kafkaRecords,
    recordBytes,
    log,
  });
  log(`  Kafka: ${int(kafkaResult.msgPerSec)} records/s, p99 ${kafkaResult.p99Ms} ms`);

  log(
    `ceiling 3/3: InfluxDB line protocol, ${influxWriters} writers × ${INFLUX_BATCH_LINES}-line batches, ${seconds} s`,
  );
  const influxResult = await influxCeiling({
    url: influx.url,
    influxPid: pids.influxd,
    devices,
    seconds,
    writers: influxWriters,
    batchLines: INFLUX_BATCH_LINES,
    log,
  });
  log(`  InfluxDB: ${int(influxResult.msgPerSec)} points/s (${int(influxResult.counted)} points counted)`);

  const env = await stack.pipelineEnv({ mq, kafka, influx, pids }, devices + 1);
  log('starting writer and ingest');
  const writer = await stack.service('writer', env);
  const ingest = await stack.service('ingest', env);

  log(`pipeline: the load generator at full speed through the whole stack, ${seconds} s`);
  const cpu = await CpuWindow.start({
    ingest: { ops: ingest.ops },
    writer: { ops: writer.ops },
    mosquitto: { pid: pids.mosquitto },
    kafka: { pid: pids.kafka },
    influxd: { pid: pids.influxd },
    'bench (this process)': { self: true },
    machine: { machine: true },
  });
  const t0 = performance.now();
  const load = await runLoad([mq.url, devicesArg, secondsArg, windowArg]);
  log(`  ${int(load.acked)} acknowledged (${int(load.rate)} msg/s); waiting for the last to land in InfluxDB`);
  let stored = 0;
  let lastReport = performance.now();
  for (let i = 0; i < 1200 && stored < load.acked; i++) {
    stored = await storedReadings(influx.url, 'bench');
    if (stored >= load.acked) break;
    if (performance.now() - lastReport >= 5_000) {
      lastReport = performance.now();
      log(`  stored ${int(stored)} of ${int(load.acked)}`);
    }
    await sleep(250);
  }
  const pipelineSeconds = (performance.now() - t0) / 1000;
  const storedPerSec = stored / pipelineSeconds;
  const pipelineCpu = await cpu.stop();
  const { machine, ...measured } = pipelineCpu.usage;
  const processes: Record<string, ProcUsage> = {
    ...measured,
    'load generator': loadUsage(load, pipelineCpu.wallSeconds),
  };
  const oursPercent = Object.values(processes).reduce((sum, u) => sum + u.cpuPercent, 0);
  /** The machine's busy CPU over the window, and the part none of `processes` used. */
  const machineCpu = {
    cpuPercent: machine?.cpuPercent ?? Number.NaN,
    restCpuPercent: machine === undefined ? Number.NaN : restOfMachine({ ...processes, machine }),
    memoryInUseMb: machine?.rssMb ?? Number.NaN,
  };
  log(`  stored ${int(stored)}: ${int(storedPerSec)} msg/s`);

  log(`latency: 200 probes among ${int(latencyRate)} msg/s`);
  const loading = runLoad([mq.url, devicesArg, '25', windowArg, latencyRateArg]);
  await sleep(3_000);
  const probeId = benchDeviceId(devices);
  const probe = await mqtt.connectAsync(mq.url, { clientId: probeId, username: probeId, clean: true });
  const latencies = await probeLatencies(
    probe,
    probeId,
    async (ts) =>
      (
        await influxQuery(
          influx.url,
          'bench',
          `SELECT energy_import FROM meter WHERE device = '${probeId}' AND time = ${ts}ms`,
        )
      ).length > 0,
    log,
  );
  await probe.endAsync();
  await loading;

  const ceilings = { mosquitto, kafka: kafkaResult, influxdb: influxResult };
  const [slowest, slowestCeiling] = Object.entries(ceilings)
    .map(([name, c]) => [name, c.msgPerSec] as const)
    .reduce((a, b) => (b[1] < a[1] ? b : a));
  const result = {
    settings: {
      devices,
      seconds,
      window,
      latencyRateMsgPerSec: latencyRate,
      kafkaRecords,
      kafkaRecordBytes: recordBytes,
      kafkaPartitions: partitions,
      influxWriters,
      influxBatchLines: INFLUX_BATCH_LINES,
      cpuCores: MACHINE_CPU_PERCENT / 100,
    },
    ceilings,
    pipeline: {
      ackedMsgPerSec: Math.round(load.rate),
      storedMsgPerSec: Math.round(storedPerSec),
      acked: load.acked,
      stored,
      seconds: round1(pipelineSeconds),
    },
    ratios: {
      slowest,
      toSlowest: ratio(storedPerSec, slowestCeiling),
      target: TARGET_RATIO,
      meetsTarget: storedPerSec / slowestCeiling >= TARGET_RATIO,
      toMosquitto: ratio(storedPerSec, mosquitto.msgPerSec),
      toKafka: ratio(storedPerSec, kafkaResult.msgPerSec),
      toInfluxdb: ratio(storedPerSec, influxResult.msgPerSec),
    },
    latency: {
      rateMsgPerSec: latencyRate,
      probes: latencies.length,
      p50Ms: Math.round(percentile(latencies, 50)),
      p95Ms: Math.round(percentile(latencies, 95)),
      p99Ms: Math.round(percentile(latencies, 99)),
    },
    /** CPU % (100 = one core) over the pipeline window, RSS at its end. */
    processes,
    machine: machineCpu,
  };

  const cpuCell = (u: ProcUsage | undefined) => (u === undefined ? '' : `${u.cpuPercent} %`);
  console.log('\nCeilings, same run, same engines (one reading = one message = one record = one point)');
  console.table({
    Mosquitto: {
      tool: 'load generator + 1 QoS 1 subscriber',
      'msg/s': mosquitto.msgPerSec,
      detail: `${int(mosquitto.publishAckedMsgPerSec)} publishes/s acknowledged`,
      'engine CPU': cpuCell(mosquitto.cpu.mosquitto),
      'rest of machine': `${mosquitto.restCpuPercent} %`,
      'pipeline / ceiling': result.ratios.toMosquitto,
    },
    Kafka: {
      tool: `ProducerPerformance, acks=all, ${recordBytes} B`,
      'msg/s': kafkaResult.msgPerSec,
      detail: `${kafkaResult.mbPerSec} MB/s, p50 ${kafkaResult.p50Ms} ms, p99 ${kafkaResult.p99Ms} ms`,
      'engine CPU': cpuCell(kafkaResult.cpu.kafka),
      'rest of machine': `${kafkaResult.restCpuPercent} %`,
      'pipeline / ceiling': result.ratios.toKafka,
    },
    InfluxDB: {
      tool: `POST /write, ${influxWriters} × ${INFLUX_BATCH_LINES} lines`,
      'msg/s': influxResult.msgPerSec,
      detail: `batch p50 ${influxResult.batchP50Ms} ms, p99 ${influxResult.batchP99Ms} ms`,
      'engine CPU': cpuCell(influxResult.cpu.influxd),
      'rest of machine': `${influxResult.restCpuPercent} %`,
      'pipeline / ceiling': result.ratios.toInfluxdb,
    },
  });
  console.log('Pipeline');
  console.table({
    'acknowledged msg/s': result.pipeline.ackedMsgPerSec,
    'stored msg/s': result.pipeline.storedMsgPerSec,
    [`/ slowest ceiling (${slowest}), target ≥ ${TARGET_RATIO}`]: result.ratios.toSlowest,
    [`latency p50 / p95 / p99 ms at ${latencyRate} msg/s`]: `${result.latency.p50Ms} / ${result.latency.p95Ms} / ${result.latency.p99Ms}`,
  });
  console.log(
    `Processes over the pipeline window (${round1(pipelineCpu.wallSeconds)} s; 100 % = one core, ${MACHINE_CPU_PERCENT} % = all)`,
  );
  console.table({
    ...Object.fromEntries(
      Object.entries(processes).map(([name, u]) => [
        name,
        { 'CPU %': u.cpuPercent, 'CPU s': u.cpuSeconds, 'RSS MB': u.rssMb },
      ]),
    ),
    'all of the above': { 'CPU %': round1(oursPercent), 'CPU s': '', 'RSS MB': '' },
    'rest of the machine (other users, kernel)': { 'CPU %': machineCpu.restCpuPercent, 'CPU s': '', 'RSS MB': '' },
  });

  const out = join(root, 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'full-stack.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await stack.stop();
}
