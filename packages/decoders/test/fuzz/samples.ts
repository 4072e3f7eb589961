/**
 * Valid sample payloads of every format the platform reads, the starting points of the fuzzer.
 * Times are relative to a clock (`now`, epoch ms), so the same samples serve the decoder tests
 * (a fixed instant) and the end-to-end test (the wall clock).
 *
 * Device and foreign ids are those of the decoder test registries (registry-fixture.ts for our
 * own API and station files, foreign-fixture.ts for the foreign formats); the end-to-end test
 * registers the same ids.
 */
import { FRAME_ID, type FuzzSeed } from './generator.ts';

/** Names the samples use; a registry for them binds each to a device. */
export const SAMPLE_IDS = {
  station: 'ww-1',
  stationCode: 'WW-1',
  solar: 'pv-1',
  meter: 'mt-1',
  charger: 'ch-1',
  camera: 'cam-1',
  frigateCamera: 'bank_east',
  frigateCameraWest: 'bank_west',
  frigateWestDevice: 'cam-2',
  onvifId: 'axis-01',
  onvifDevice: 'cam-3',
  dtuSerial: '114190641177',
  dtuDevice: 'pv-1',
  sunspec103: 'roof-103',
  sunspec103Device: 'pv-3',
  sunspec701: 'roof-701',
  sunspec701Device: 'pv-4',
  tasmotaTopic: 'tasmota_E1',
  tasmotaDevice: 'mt-1',
  tasmotaMultiTopic: 'shelly25',
  tasmotaMultiDevice: 'mt-2a',
} as const;

/** A sample with the login that publishes it (the MQTT username). */
export type Sample = FuzzSeed & { readonly publisher: string };

const iso = (ms: number) => new Date(ms).toISOString();
/** Wall-clock time in Hai Phong (UTC+7) without an offset, as Tasmota prints it. */
const haiPhong = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 19);
/** YYYYMMDDhhmmss in Hai Phong, as station files carry it. */
const stationTime = (ms: number) => haiPhong(ms).replace(/[-T:]/g, '');
const MIN = 60_000;

export function nativeSamples(now: number): Sample[] {
  const I = SAMPLE_IDS;
  const native = (device: string, message: string, body: object): Sample => ({
    name: `native/${message}`,
    topic: `hpg/v1/devices/${device}/${message}`,
    payload: JSON.stringify({ v: 1, deviceId: device, ...body }),
    kind: 'json',
    publisher: device,
  });
  return [
    native(I.station, 'sample', {
      ts: iso(now - 5 * MIN),
      metrics: {
        flow_out: { value: 55.5, unit: 'm3/h', status: 'measuring' },
        flow_in: { value: 1440, unit: 'm3/d', status: 'measuring' },
        ph: { value: 7.1, unit: 'pH', status: 'measuring' },
        cod: { value: 61.5, unit: 'mg/L', status: 'calibrating' },
        tss: { value: 30, unit: 'mg/L', status: 'measuring' },
        temperature: { value: 302.6, unit: 'K', status: 'error' },
      },
      firmware: '2.1',
    }),
    native(I.solar, 'telemetry', {
      ts: haiPhong(now - 4 * MIN),
      state: 'mppt',
      metrics: {
        ac_power: { value: 3.2, unit: 'kW' },
        energy_today: { value: 9.4, unit: 'kWh' },
        dc_voltage: { value: 410.2, unit: 'V' },
        efficiency: { value: 96.5, unit: '%' },
        dc_current: { value: 735, unit: 'mA' },
      },
    }),
    native(I.meter, 'meter', {
      ts: `${haiPhong(now - 3 * MIN)}+07:00`,
      metrics: { energy_import: { value: 5012.25, unit: 'kWh' }, power: { value: -1.5, unit: 'kW' } },
    }),
    native(I.charger, 'connector-status', {
      ts: iso(now - 2 * MIN),
      connectorId: 1,
      status: 'Charging',
      errorCode: 'NoError',
    }),
    native(I.charger, 'meter-values', {
      ts: iso(now - 2 * MIN),
      connectorId: 2,
      sessionId: 'tx-1',
      metrics: {
        energy_register: { value: 100.5, unit: 'kWh' },
        power: { value: 7.2, unit: 'kW' },
        soc: { value: 64, unit: '%' },
      },
    }),
    native(I.charger, 'session', {
      ts: iso(now - 6 * MIN),
      connectorId: 2,
      sessionId: 'tx-1',
      event: 'start',
      meter: { value: 100_000, unit: 'Wh' },
      reason: 'Local',
    }),
    native(I.camera, 'detection', {
      ts: iso(now - 90_000),
      eventId: '1763824200.5-x1',
      phase: 'end',
      label: 'waste',
      score: 0.87,
      zone: 'riverbank',
      box: [100, 120, 340, 400],
      snapshot: { url: 'http://nvr.local/api/events/1763824200.5-x1/snapshot.jpg' },
      startedAt: iso(now - 10 * MIN),
      endedAt: iso(now - 90_000),
    }),
  ];
}

export function frigateSamples(now: number): Sample[] {
  const I = SAMPLE_IDS;
  const s = now / 1000;
  const object = (over: object) => ({
    id: `${Math.floor(s) - 120}.482113-k3v9qa`,
    camera: I.frigateCamera,
    frame_time: s - 60.25,
    snapshot: { frame_time: s - 61, box: [410, 480, 530, 700], area: 12728, score: 0.81 },
    label: 'waste',
    sub_label: null,
    top_score: 0.88,
    false_positive: false,
    start_time: s - 120.5,
    end_time: null,
    score: 0.83,
    box: [424, 500, 536, 712],
    current_zones: ['riverbank'],
    entered_zones: ['road', 'riverbank'],
    has_clip: true,
    has_snapshot: true,
    attributes: {},
    ...over,
  });
  const event = (type: string, after: object) => JSON.stringify({ type, before: object({}), after });
  return [
    {
      name: 'frigate/new',
      topic: 'frigate/events',
      payload: event('new', object({})),
      kind: 'json',
      publisher: I.camera,
    },
    {
      name: 'frigate/end',
      topic: 'frigate/events',
      payload: event(
        'end',
        object({
          camera: I.frigateCameraWest,
          entered_zones: ['dock'],
          sub_label: ['bag', 0.7],
          end_time: s - 20.5,
          snapshot: null,
          snapshot_time: s - 30,
          thumbnail: 'aGVsbG8=',
        }),
      ),
      kind: 'json',
      publisher: I.camera,
    },
  ];
}

export function onvifSamples(now: number): Sample[] {
  const I = SAMPLE_IDS;
  const topic = `onvif/${I.onvifId}/onvif-ej/RuleEngine/ObjectAbandoned`;
  return [
    {
      name: 'onvif/items',
      topic,
      payload: JSON.stringify({
        UtcTime: iso(now - 45_000),
        Source: { VideoSource: 'VideoSource_1', AnalyticsConfiguration: 'VA_1', Rule: 'riverbank' },
        Data: { ObjectId: '42' },
      }),
      kind: 'json',
      publisher: I.onvifDevice,
    },
    {
      name: 'onvif/simple-items',
      topic: `${topic}&VideoSource_1`,
      payload: JSON.stringify({
        UtcTime: iso(now - 30_000).replace('Z', '+00:00'),
        Source: { SimpleItem: [{ Name: 'Rule', Value: 'riverbank' }] },
        Data: { SimpleItem: [{ Name: 'ObjectId', Value: 7 }] },
      }),
      kind: 'json',
      publisher: I.onvifDevice,
    },
  ];
}

export function openDtuSamples(now: number): Sample[] {
  const I = SAMPLE_IDS;
  const value = (field: string, text: string): Sample => ({
    name: `opendtu/${field}`,
    topic: `solar/${I.dtuSerial}/${field}`,
    payload: text,
    kind: 'text',
    publisher: I.dtuDevice,
  });
  return [
    value('status/last_update', String(Math.floor(now / 1000) - 4)),
    value('0/power', '312.4'),
    value('0/yieldday', '1520'),
    value('0/yieldtotal', '13.338'),
    value('0/temperature', '41.2'),
    value('0/efficiency', '96.1'),
    value('0/frequency', '50.01'),
    value('1/power', '160.2'),
    value('2/voltage', '31.2'),
    value('2/current', '1.3'),
  ];
}

export function tasmotaSamples(now: number): Sample[] {
  const I = SAMPLE_IDS;
  return [
    {
      name: 'tasmota/sensor',
      topic: `tele/${I.tasmotaTopic}/SENSOR`,
      payload: JSON.stringify({
        Time: haiPhong(now - 5 * MIN),
        ENERGY: {
          TotalStartTime: '2025-03-01T08:12:44',
          Total: 1234.567,
          Yesterday: 5.1,
          Today: 4.21,
          Period: 42,
          Power: 520,
          ApparentPower: 540,
          ReactivePower: 20,
          Factor: 0.96,
          Voltage: 229,
          Current: 2.3,
        },
      }),
      kind: 'json',
      publisher: I.tasmotaDevice,
    },
    {
      name: 'tasmota/channels',
      topic: `tele/${I.tasmotaMultiTopic}/SENSOR`,
      payload: JSON.stringify({
        Time: haiPhong(now - 4 * MIN),
        ENERGY: { Total: [1.5, 2.25], Power: [52, 5], Voltage: 230, Current: [0.23, 0.02] },
      }),
      kind: 'json',
      publisher: I.tasmotaMultiDevice,
    },
  ];
}

export function sunSpecSamples(now: number): Sample[] {
  const I = SAMPLE_IDS;
  return [
    {
      name: 'sunspec/103',
      topic: `sunspec/${I.sunspec103}/103`,
      payload: JSON.stringify({
        ts: `${haiPhong(now - 2 * MIN)}+07:00`,
        points: {
          ID: 103,
          L: 50,
          A: 421,
          A_SF: -2,
          W: 2874,
          W_SF: 0,
          Hz: 5002,
          Hz_SF: -2,
          WH: 15230444,
          WH_SF: 0,
          DCA: 735,
          DCA_SF: -2,
          DCV: 4102,
          DCV_SF: -1,
          DCW: 3015,
          DCW_SF: 0,
          TmpCab: 412,
          TmpSnk: -32768,
          Tmp_SF: -1,
          St: 4,
          StVnd: 65535,
        },
        bridge: 'sunspec2mqtt 0.3',
      }),
      kind: 'json',
      publisher: I.sunspec103Device,
    },
    {
      name: 'sunspec/701',
      topic: `sunspec/${I.sunspec701}/701`,
      payload: JSON.stringify({
        ts: iso(now - 2 * MIN),
        points: {
          ID: 701,
          W: 1520,
          W_SF: 0,
          A: 66,
          A_SF: -1,
          LNV: 2301,
          V_SF: -1,
          Hz: 5000,
          Hz_SF: -2,
          TotWhInj: 10,
          TotWh_SF: 3,
          TmpCab: 40,
          Tmp_SF: 0,
          InvSt: 'RUNNING',
        },
      }),
      kind: 'json',
      publisher: I.sunspec701Device,
    },
  ];
}

export function stationSamples(now: number): Sample[] {
  const I = SAMPLE_IDS;
  const t = stationTime(now - 5 * MIN);
  const t2 = stationTime(now - 10 * MIN);
  const line = (...f: string[]) => f.join('\t');
  const full = [
    line('Flow', '55.5', 'm3/h', t, '00'),
    line('Flow_in', '1440', 'm3/d', t, '00'),
    line('Temp', '29.4', '°C', t, '00'),
    line('pH', '7.12', 'pH', t, '01'),
    line('TSS', '18.2', 'mg/L', t, '00'),
    line('COD', '61.5', 'mg/L', t, '00'),
    line('BOD5', '20', 'mg/L', t, '00'),
    line('NH4', '2.1', 'mg/L', t, '02'),
    line('TN', '12.4', 'mg/L', t, '00'),
    line('TP', '1.3', 'mg/L', t, '00'),
    line('Color', '35', 'Pt-Co', t, '00'),
  ];
  const file = (name: string, lines: readonly string[], eol: string): Sample => ({
    name,
    topic: `hpg/v1/stations/${I.stationCode}/file`,
    payload: lines.map((l) => `${l}${eol}`).join(''),
    kind: 'lines',
    publisher: I.station,
  });
  return [
    file('station/full-crlf', full, '\r\n'),
    file(
      'station/two-times-lf',
      [line('COD', '58', 'mg/L', t2, '00'), line('pH', '7.0', '-', t2, '00'), line('COD', '60.25', 'g/m3', t, '00')],
      '\n',
    ),
  ];
}

/** OCPP 1.6 frames a charger sends, one per action the gateway reads (id: FRAME_ID). */
export function ocpp16Frames(now: number): FuzzSeed[] {
  const frame = (action: string, payload: object): FuzzSeed => ({
    name: `ocpp1.6/${action}`,
    topic: 'ocpp1.6',
    payload: JSON.stringify([2, FRAME_ID, action, payload]),
    kind: 'frame',
  });
  const sampled = [
    { value: '251.5', measurand: 'Energy.Active.Import.Register', unit: 'kWh', context: 'Sample.Periodic' },
    { value: '7200', measurand: 'Power.Active.Import', unit: 'W' },
    { value: '64', measurand: 'SoC', unit: 'Percent', location: 'EV' },
    { value: '230.1', measurand: 'Voltage', unit: 'V', phase: 'L1' },
  ];
  return [
    frame('BootNotification', { chargePointVendor: 'Test', chargePointModel: 'AC22', firmwareVersion: '1.2.3' }),
    frame('Heartbeat', {}),
    frame('StatusNotification', {
      connectorId: 1,
      errorCode: 'NoError',
      status: 'Charging',
      timestamp: iso(now - MIN),
    }),
    frame('Authorize', { idTag: 'CARD-0001' }),
    frame('StartTransaction', {
      connectorId: 1,
      idTag: 'CARD-0001',
      meterStart: 250_000,
      timestamp: iso(now - 5 * MIN),
    }),
    frame('MeterValues', {
      connectorId: 1,
      transactionId: 1,
      meterValue: [{ timestamp: iso(now - 2 * MIN), sampledValue: sampled }],
    }),
    frame('StopTransaction', {
      transactionId: 1,
      meterStop: 262_000,
      timestamp: iso(now - MIN),
      idTag: 'CARD-0001',
      reason: 'EVDisconnected',
      transactionData: [{ timestamp: iso(now - MIN), sampledValue: [sampled[0]] }],
    }),
    frame('DataTransfer', { vendorId: 'com.example', messageId: 'x', data: '{}' }),
  ];
}

/** OCPP 2.0.1 frames (id: FRAME_ID). */
export function ocpp201Frames(now: number): FuzzSeed[] {
  const frame = (name: string, action: string, payload: object): FuzzSeed => ({
    name: `ocpp2.0.1/${name}`,
    topic: 'ocpp2.0.1',
    payload: JSON.stringify([2, FRAME_ID, action, payload]),
    kind: 'frame',
  });
  const meterValue = (ms: number) => ({
    timestamp: iso(ms),
    sampledValue: [
      { value: 12.5, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh' } },
      { value: 7.2, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W', multiplier: 3 } },
      { value: 64, measurand: 'SoC' },
      { value: 230, measurand: 'Voltage', phase: 'L1-N' },
    ],
  });
  const tx = (eventType: string, seqNo: number, ms: number) => ({
    eventType,
    timestamp: iso(ms),
    triggerReason: 'Authorized',
    seqNo,
    transactionInfo: { transactionId: 'tx-201-a', chargingState: 'Charging' },
    evse: { id: 1, connectorId: 1 },
    idToken: { idToken: 'CARD-0001', type: 'ISO14443' },
    meterValue: [meterValue(ms)],
  });
  return [
    frame('BootNotification', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { model: 'AC22', vendorName: 'Test' },
    }),
    frame('Heartbeat', 'Heartbeat', {}),
    frame('StatusNotification', 'StatusNotification', {
      timestamp: iso(now - MIN),
      connectorStatus: 'Occupied',
      evseId: 1,
      connectorId: 1,
    }),
    frame('Authorize', 'Authorize', { idToken: { idToken: 'CARD-0001', type: 'ISO14443' } }),
    frame('MeterValues', 'MeterValues', { evseId: 1, meterValue: [meterValue(now - 2 * MIN)] }),
    frame('TransactionEvent/Started', 'TransactionEvent', tx('Started', 0, now - 5 * MIN)),
    frame('TransactionEvent/Updated', 'TransactionEvent', tx('Updated', 1, now - 3 * MIN)),
    frame('TransactionEvent/Ended', 'TransactionEvent', {
      ...tx('Ended', 2, now - MIN),
      transactionInfo: { transactionId: 'tx-201-a', stoppedReason: 'EVDisconnected' },
    }),
    frame('NotifyEvent', 'NotifyEvent', { generatedAt: iso(now), seqNo: 0, eventData: [] }),
  ];
}
