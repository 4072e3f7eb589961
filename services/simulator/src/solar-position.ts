/**
 * Sun position and clear-sky irradiance.
 *
 * Position: NOAA Global Monitoring Laboratory, "General Solar Position Calculations" (Spencer's 1971
 * Fourier series for the equation of time and declination), accurate to a fraction of a degree,
 * plenty for rooftop-solar telemetry. Clear-sky global horizontal irradiance: Haurwitz (1945),
 * GHI = 1098 · cos z · exp(−0.059 / cos z) W/m², which Reno, Hansen & Stein (Sandia SAND2012-2389)
 * found the best of the simple models that need only the zenith angle (pvlib `clearsky.haurwitz`).
 */

const RAD = Math.PI / 180;

/** Hai Phong city centre (Nhà hát Lớn), the reference point of the simulator's weather. */
export const HAI_PHONG = { lat: 20.86, lon: 106.68 } as const;

/** Cosine of the solar zenith angle at instant `ms` (UTC epoch ms) and a place; ≤ 0 when the sun is down. */
export function cosZenith(ms: number, latDeg: number, lonDeg: number): number {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const dayOfYear = Math.floor((ms - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
  const utcHours = d.getUTCHours() + d.getUTCMinutes() / 60 + d.getUTCSeconds() / 3600;
  // Fractional year, radians.
  const g = ((2 * Math.PI) / (leap ? 366 : 365)) * (dayOfYear - 1 + (utcHours - 12) / 24);
  // Equation of time, minutes.
  const eqTime =
    229.18 *
    (0.000075 +
      0.001868 * Math.cos(g) -
      0.032077 * Math.sin(g) -
      0.014615 * Math.cos(2 * g) -
      0.040849 * Math.sin(2 * g));
  // Solar declination, radians.
  const decl =
    0.006918 -
    0.399912 * Math.cos(g) +
    0.070257 * Math.sin(g) -
    0.006758 * Math.cos(2 * g) +
    0.000907 * Math.sin(2 * g) -
    0.002697 * Math.cos(3 * g) +
    0.00148 * Math.sin(3 * g);
  // True solar time from UTC (time zone 0), minutes; hour angle, degrees.
  const trueSolarMinutes = utcHours * 60 + eqTime + 4 * lonDeg;
  const hourAngle = trueSolarMinutes / 4 - 180;
  const lat = latDeg * RAD;
  return Math.sin(lat) * Math.sin(decl) + Math.cos(lat) * Math.cos(decl) * Math.cos(hourAngle * RAD);
}

/** Solar elevation above the horizon, degrees (negative at night). */
export function solarElevationDeg(ms: number, latDeg: number, lonDeg: number): number {
  return 90 - Math.acos(Math.max(-1, Math.min(1, cosZenith(ms, latDeg, lonDeg)))) / RAD;
}

/** Clear-sky global horizontal irradiance (Haurwitz), W/m²; 0 when the sun is down. */
export function clearSkyGhi(ms: number, latDeg: number, lonDeg: number): number {
  const cz = cosZenith(ms, latDeg, lonDeg);
  if (cz <= 0.01) return 0;
  return 1098 * cz * Math.exp(-0.059 / cz);
}
