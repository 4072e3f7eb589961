/**
 * GET /api/v1/indicators/wastewater?month=YYYY-MM&localityId=…&averaging=hour|day
 *
 * Computed on demand from the stored readings, so a recomputation always gives the same answer
 * and late data is included as soon as it is stored. Each plant is judged against its own
 * standard, column and factors from the registry; the method is stated in the answer.
 */
import {
  type Averaging,
  compliantShares,
  daysOfMonth,
  localMonth,
  meets,
  methodNote,
  type PlantMonth,
  stationDay,
  stationMonth,
  targetFor,
} from '@hpg/indicators';
import type { Store } from '@hpg/ports';
import type { Registry } from '@hpg/registry';
import { z } from 'zod';
import { MonthQuerySchema } from './fleet-indicators.ts';
import type { Regulatory } from './regulatory.ts';

export const WastewaterQuerySchema = MonthQuerySchema.extend({ averaging: z.enum(['hour', 'day']).default('hour') });

/** Readings of one station for a month at 1-minute resolution stay under this. */
const MAX_READINGS = 50_000;

export async function wastewaterIndicators(
  deps: { store: Store; registry: Registry; regulatory: Regulatory },
  q: { month: string; localityId: string; averaging: Averaging },
) {
  const [y, m] = q.month.split('-').map(Number) as [number, number];
  const window = localMonth(y, m);
  const days = daysOfMonth(y, m);
  const scope = new Set(deps.registry.localityScope(q.localityId));
  const plants: (PlantMonth & { name: string; standard: string; column: string; kq: number; kf: number })[] = [];
  const unjudged: { plantId: string; reason: string }[] = [];
  for (const site of deps.registry.data.sites) {
    if (site.kind !== 'wastewater_plant' || !scope.has(site.localityId)) continue;
    const standard = deps.regulatory.standards.get(site.wastewater.standard);
    const stations = deps.registry.data.devices.filter((d) => d.siteId === site.id && d.kind === 'wastewater_station');
    if (standard === undefined) {
      unjudged.push({ plantId: site.id, reason: `standard ${site.wastewater.standard} is not in the data yet` });
      continue;
    }
    if (stations.length === 0) {
      unjudged.push({ plantId: site.id, reason: 'no monitoring station' });
      continue;
    }
    // One station per plant in practice; with several, each is judged and the worst day counts.
    const perStation = await Promise.all(
      stations.map(async (station) => {
        const readings = await deps.store.queryReadings({
          deviceId: station.id,
          measurement: 'wastewater',
          from: window.from,
          to: window.to,
          limit: MAX_READINGS,
        });
        const spec = {
          standard,
          column: site.wastewater.column,
          kq: site.wastewater.kq,
          kf: site.wastewater.kf,
          intervalSeconds: station.intervalSeconds,
        };
        return days.map((d) => stationDay(readings, spec, d, q.averaging));
      }),
    );
    const worst = days.map((_, i) => {
      const candidates = perStation.map((s) => s[i]).filter((d) => d !== undefined);
      return (
        candidates.find((d) => d.status === 'non_compliant') ??
        candidates.find((d) => d.status === 'compliant') ??
        candidates[0]
      );
    });
    plants.push({
      plantId: site.id,
      name: site.name,
      localityId: site.localityId,
      centralIndustrial: site.wastewater.centralIndustrial,
      standard: site.wastewater.standard,
      column: site.wastewater.column,
      kq: site.wastewater.kq,
      kf: site.wastewater.kf,
      month: stationMonth(
        q.month,
        worst.filter((d) => d !== undefined),
      ),
    });
  }
  const shares = compliantShares(plants);
  const target = targetFor(deps.regulatory.targets, q.localityId, 'central_wwtp_compliant_pct', y);
  const centralPct = shares.centralIndustrial.share === null ? null : shares.centralIndustrial.share * 100;
  return {
    month: q.month,
    localityId: q.localityId,
    timeZone: 'Asia/Ho_Chi_Minh',
    method: methodNote(q.averaging),
    indicators: {
      plantsCompliantPct: shares.all.share === null ? null : shares.all.share * 100,
      plantsMonitored: shares.all.monitored,
      centralIndustrialCompliantPct: centralPct,
      centralIndustrialMonitored: shares.centralIndustrial.monitored,
      target:
        target === undefined
          ? null
          : {
              value: target.target,
              unit: target.unit,
              year: target.year,
              owner: target.owner,
              source: target.source,
              met: meets(centralPct, target),
            },
    },
    plants: plants.map((p) => ({
      plantId: p.plantId,
      name: p.name,
      localityId: p.localityId,
      centralIndustrial: p.centralIndustrial,
      standard: p.standard,
      column: p.column,
      kq: p.kq,
      kf: p.kf,
      status: p.month.status,
      compliantDays: p.month.compliantDays,
      nonCompliantDays: p.month.nonCompliantDays,
      noDataDays: p.month.noDataDays,
      completeness: p.month.completeness,
      days: p.month.days,
    })),
    unjudged,
  };
}
