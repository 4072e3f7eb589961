/**
 * The indicator points the dashboards read (names as packages/reports/src/points.ts writes
 * them), each with what it means in English (panel descriptions) and its Grafana unit.
 */
export const INDICATORS = {
  'wastewater.plants_compliant_pct': {
    unit: 'percent',
    en: 'Share of monitored treatment plants whose every judged day met their own standard (QCVN 40:2011 / 14:2008, column, Kq, Kf). Plans target 100 %.',
  },
  'wastewater.central_wwtp_compliant_pct': {
    unit: 'percent',
    en: 'Share of the central treatment plants of industrial parks and clusters that are compliant. Target: 100 %.',
  },
  'wastewater.plants_monitored': { unit: 'none', en: 'Treatment plants with an automatic station reporting data.' },
  'wastewater.plant_compliant': { unit: 'none', en: 'Per plant: 1 compliant, 0 not compliant in the window.' },
  'wastewater.plant_completeness_pct': {
    unit: 'percent',
    en: 'Per plant: share of the expected averaging periods that have valid (measuring) data.',
  },
  'solar.energy_kwh': { unit: 'kwatth', en: 'Rooftop solar energy produced (sum of the inverters’ daily yields).' },
  'solar.co2_avoided_t': {
    unit: 'masst',
    en: 'CO2 avoided by rooftop solar, at the latest official grid emission factor of Vietnam.',
  },
  'solar.installations': { unit: 'none', en: 'Rooftop solar installations (sites) registered.' },
  'solar.active_installations': {
    unit: 'none',
    en: 'Installations that produced power in the last 24 hours, against Tân Minh’s yearly targets.',
  },
  'ev.sessions': { unit: 'none', en: 'Charging sessions started.' },
  'ev.energy_kwh': { unit: 'kwatth', en: 'Energy delivered to vehicles.' },
  'ev.chargers': { unit: 'none', en: 'Chargers registered.' },
  'ev.connector_availability_pct': {
    unit: 'percent',
    en: 'Share of connector time in a usable state (not Faulted / Unavailable).',
  },
  'ev.stations_operational': {
    unit: 'none',
    en: 'Charging stations in operation, against the network milestones of the plans.',
  },
  'ev.co2_avoided_t': {
    unit: 'masst',
    en: 'CO2 avoided by EV charging instead of petrol motorbikes, net of the grid’s emissions.',
  },
  'dumping.detections': { unit: 'none', en: 'Camera detections of waste (before deduplication).' },
  'dumping.incidents': {
    unit: 'none',
    en: 'Dumping incidents: waste detections with score ≥ 0.6; the same camera and zone within 60 minutes is one incident.',
  },
  'dumping.alerts': { unit: 'none', en: 'Dumping alerts sent to the commune police.' },
  'dumping.confirmed': { unit: 'none', en: 'Alerts the police closed as resolved (real dumping).' },
  'dumping.false_alarms': { unit: 'none', en: 'Alerts the police closed as false alarms.' },
  'dumping.pending': { unit: 'none', en: 'Alerts not closed yet (open or acknowledged).' },
  'dumping.ack_minutes_median': {
    unit: 'm',
    en: 'Median minutes from the first message to the police acknowledging the alert.',
  },
  'dumping.close_minutes_median': {
    unit: 'm',
    en: 'Median minutes from the first message to the alert being closed.',
  },
  'energy.actual_kwh': { unit: 'kwatth', en: 'Metered consumption of the facilities that have a baseline.' },
  'energy.baseline_kwh': {
    unit: 'kwatth',
    en: 'Their business-as-usual baseline (forecast or reference) for the same months.',
  },
  'energy.savings_pct': {
    unit: 'percent',
    en: 'Energy savings against the baseline: (baseline − actual) / baseline, monthly.',
  },
} as const satisfies Record<string, { readonly unit: string; readonly en: string }>;

export type IndicatorName = keyof typeof INDICATORS;

/** Per-sector savings points are named `energy.savings_<sector>_pct`. */
export const SECTOR_SAVINGS_INFLUXQL = '/^energy\\.savings_[a-z0-9_]+_pct$/';
