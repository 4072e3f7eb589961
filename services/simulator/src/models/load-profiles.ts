/**
 * Electricity demand shapes by sector, as a fraction of the site's peak by local hour. Shapes follow
 * ordinary Vietnamese working patterns (offices and schools 7:30–11:30 and 13:30–17:00 Monday to
 * Friday with a lunch break; factories on day shifts Monday to Saturday, or running continuously;
 * shops, hotels and restaurants busiest in the evening, every day; households peaking after dark)
 * and cooling load in the hot months. Illustrative, not measured load research.
 */
import { hourlyProfile, type LocalTime } from '../local-time.ts';

export type Sector = 'industry' | 'business_services' | 'public' | 'residential';

const DAY_SHIFT = [
  0.25, 0.25, 0.25, 0.25, 0.25, 0.3, 0.55, 0.85, 0.95, 0.95, 0.95, 0.9, 0.6, 0.9, 0.95, 0.95, 0.9, 0.6, 0.4, 0.3, 0.28,
  0.27, 0.26, 0.25,
];
const CONTINUOUS = [
  0.8, 0.8, 0.79, 0.79, 0.8, 0.8, 0.72, 0.82, 0.85, 0.86, 0.86, 0.85, 0.8, 0.85, 0.86, 0.86, 0.85, 0.82, 0.76, 0.8, 0.8,
  0.8, 0.78, 0.72,
];
const BUSINESS = [
  0.3, 0.27, 0.25, 0.25, 0.25, 0.3, 0.45, 0.6, 0.75, 0.85, 0.9, 0.95, 0.95, 0.9, 0.9, 0.9, 0.9, 0.95, 1, 1, 0.95, 0.8,
  0.6, 0.4,
];
const OFFICE_WEEKDAY = [
  0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 0.9, 0.95, 0.95, 0.9, 0.55, 0.6, 0.9, 0.95, 0.9, 0.6, 0.25, 0.15, 0.12, 0.1,
  0.1, 0.1,
];
const HOUSEHOLD = [
  0.35, 0.3, 0.28, 0.28, 0.3, 0.45, 0.65, 0.55, 0.4, 0.35, 0.35, 0.4, 0.45, 0.4, 0.35, 0.35, 0.4, 0.6, 0.9, 1, 0.95,
  0.85, 0.65, 0.45,
];
/** Cooling-driven seasonal factor by month (air conditioning from May to September). */
const COOLING = [0.8, 0.8, 0.85, 0.95, 1.1, 1.2, 1.2, 1.2, 1.1, 1, 0.9, 0.82] as const;

/** Fraction of peak demand at a local time. `continuous` selects a three-shift factory. */
export function demandFraction(sector: Sector, lt: LocalTime, continuous: boolean): number {
  const h = lt.hour;
  const sunday = lt.weekday === 0;
  const saturday = lt.weekday === 6;
  const cooling = COOLING[lt.month - 1] ?? 1;
  switch (sector) {
    case 'industry': {
      const season = 0.95 + 0.05 * cooling;
      if (continuous) return hourlyProfile(CONTINUOUS, h) * (sunday ? 0.85 : 1) * season;
      if (sunday) return 0.22 * season;
      return hourlyProfile(DAY_SHIFT, h) * (saturday ? 0.85 : 1) * season;
    }
    case 'business_services':
      return hourlyProfile(BUSINESS, h) * (sunday || saturday ? 1.05 : 1) * cooling;
    case 'public':
      if (sunday) return 0.1 * cooling;
      if (saturday) return 0.15 * cooling;
      return hourlyProfile(OFFICE_WEEKDAY, h) * cooling;
    case 'residential':
      return hourlyProfile(HOUSEHOLD, h) * cooling;
  }
}
