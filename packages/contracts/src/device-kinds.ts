/** Kinds of device the platform accepts readings from. */
export const DEVICE_KINDS = ['wastewater_station', 'solar_inverter', 'energy_meter', 'ev_charger', 'camera'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/**
 * Measurements: one per kind of reading. A reading is identified by
 * (measurement, device, channel, timestamp); InfluxDB stores each as its own measurement.
 */
export const MEASUREMENTS = ['wastewater', 'solar', 'meter', 'ev_status', 'ev_meter', 'ev_session'] as const;
export type Measurement = (typeof MEASUREMENTS)[number];
