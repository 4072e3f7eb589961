/**
 * The metric catalogue: every numeric quantity a device may report, its canonical (stored) unit,
 * the units a device may state for it with their conversion, and the physically possible range
 * in the canonical unit. A device always states the unit; nothing here guesses one.
 *
 * Canonical units follow the plans' and standards' own: mg/L and °C as in QCVN 40:2011 Table 1,
 * m³/h for flow (Circular 10/2021 station practice), W / Wh for power and energy.
 */

/** A unit a device may send, and how to reach the canonical unit: canonical = value * factor + offset. */
export interface UnitConversion {
  readonly factor: number;
  readonly offset?: number;
}

export interface MetricSpec {
  /** Unit of the stored value. */
  readonly unit: string;
  /** Units accepted from devices (spelled as sent), with the conversion to `unit`. */
  readonly accepts: Readonly<Record<string, UnitConversion>>;
  /** Inclusive physical bounds in the canonical unit; a value outside is refused, never clamped. */
  readonly min: number;
  readonly max: number;
  readonly description: string;
}

const same = { factor: 1 } as const;

const concentration = (description: string, max = 100_000): MetricSpec => ({
  unit: 'mg/L',
  accepts: { 'mg/L': same, 'mg/l': same, 'g/m3': same, 'g/m³': same },
  min: 0,
  max,
  description,
});

const flow = (description: string): MetricSpec => ({
  unit: 'm3/h',
  accepts: {
    'm3/h': same,
    'm³/h': same,
    'm3/d': { factor: 1 / 24 },
    'm³/d': { factor: 1 / 24 },
    'm3/day': { factor: 1 / 24 },
    'L/s': { factor: 3.6 },
    'l/s': { factor: 3.6 },
  },
  min: 0,
  // 100,000 m³/h is far above the largest treatment plant in Vietnam; anything above is a fault.
  max: 100_000,
  description,
});

const energy = (description: string): MetricSpec => ({
  unit: 'Wh',
  accepts: { Wh: same, kWh: { factor: 1_000 }, MWh: { factor: 1_000_000 } },
  min: 0,
  max: 1e15,
  description,
});

const power = (description: string, min: number, max: number): MetricSpec => ({
  unit: 'W',
  accepts: { W: same, kW: { factor: 1_000 }, MW: { factor: 1_000_000 } },
  min,
  max,
  description,
});

const temperature = (description: string): MetricSpec => ({
  unit: '°C',
  accepts: { '°C': same, C: same, degC: same, K: { factor: 1, offset: -273.15 } },
  min: -40,
  max: 150,
  description,
});

const current = (description: string): MetricSpec => ({
  unit: 'A',
  accepts: { A: same, mA: { factor: 0.001 } },
  min: 0,
  max: 100_000,
  description,
});

/** Metrics of a wastewater station sample (QCVN 40:2011 Table 1 parameters a continuous station measures). */
export const wastewaterMetrics = {
  flow_in: flow('Inflow to the treatment plant'),
  flow_out: flow('Treated outflow (discharge)'),
  temperature: temperature('Effluent temperature'),
  ph: { unit: 'pH', accepts: { pH: same, '-': same, '': same }, min: 0, max: 14, description: 'Effluent pH' },
  tss: concentration('Total suspended solids'),
  cod: concentration('Chemical oxygen demand'),
  bod5: concentration('Biochemical oxygen demand, 5 days at 20 °C'),
  nh4: concentration('Ammonium NH4+ as N'),
  tn: concentration('Total nitrogen'),
  tp: concentration('Total phosphorus'),
  color: {
    unit: 'Pt-Co',
    accepts: { 'Pt-Co': same, 'Pt/Co': same, PtCo: same },
    min: 0,
    max: 100_000,
    description: 'Colour, platinum-cobalt scale',
  },
} as const satisfies Record<string, MetricSpec>;

/** Metrics of rooftop-solar inverter telemetry. */
export const solarMetrics = {
  ac_power: power('AC output power', 0, 1e9),
  energy_today: energy('Energy produced since local midnight'),
  energy_lifetime: energy('Lifetime energy counter'),
  dc_power: power('DC input power', 0, 1e9),
  dc_voltage: {
    unit: 'V',
    accepts: { V: same, kV: { factor: 1_000 } },
    min: 0,
    max: 2_000,
    description: 'DC input voltage',
  },
  temperature: temperature('Inverter (cabinet) temperature'),
  dc_current: current('DC input current'),
  ac_voltage: {
    unit: 'V',
    accepts: { V: same, kV: { factor: 1_000 } },
    min: 0,
    max: 2_000,
    description: 'AC output voltage (line to neutral)',
  },
  ac_current: current('AC output current'),
  ac_frequency: { unit: 'Hz', accepts: { Hz: same }, min: 0, max: 1_000, description: 'AC grid frequency' },
  efficiency: { unit: '%', accepts: { '%': same }, min: 0, max: 100, description: 'Conversion efficiency, AC over DC' },
} as const satisfies Record<string, MetricSpec>;

/** Metrics of a site energy meter, which the energy-savings indicator needs. */
export const meterMetrics = {
  energy_import: energy('Consumption register (active energy imported)'),
  power: power('Active power drawn', -1e9, 1e9),
} as const satisfies Record<string, MetricSpec>;

/** Metrics of EV charger meter values (OCPP measurands Energy.Active.Import.Register, Power.Active.Import, SoC). */
export const evMeterMetrics = {
  energy_register: energy('Energy.Active.Import.Register of the connector'),
  power: power('Power.Active.Import', 0, 1e7),
  soc: { unit: '%', accepts: { '%': same, Percent: same }, min: 0, max: 100, description: 'Vehicle state of charge' },
} as const satisfies Record<string, MetricSpec>;

export type WastewaterMetric = keyof typeof wastewaterMetrics;
export type SolarMetric = keyof typeof solarMetrics;
export type MeterMetric = keyof typeof meterMetrics;
export type EvMeterMetric = keyof typeof evMeterMetrics;

/** Converts a device-stated value to the canonical unit; `undefined` when the unit is not accepted. */
export function toCanonical(spec: MetricSpec, value: number, unit: string): number | undefined {
  // Own keys only: a unit named like an Object property (`constructor`, `__proto__`) is not a unit.
  if (!Object.hasOwn(spec.accepts, unit)) return undefined;
  const conversion = spec.accepts[unit];
  if (conversion === undefined) return undefined;
  return value * conversion.factor + (conversion.offset ?? 0);
}

/** The catalogue of each measurement's numeric values, for API consumers that need units. */
export const metricsByMeasurement = {
  wastewater: wastewaterMetrics,
  solar: solarMetrics,
  meter: meterMetrics,
  ev_meter: evMeterMetrics,
  ev_session: { energy_register: evMeterMetrics.energy_register },
  ev_status: {},
} as const satisfies Record<string, Record<string, MetricSpec>>;
