/**
 * Every InfluxQL query of every generated dashboard, run on the integration run's InfluxDB
 * holding a simulated day of the demo fleet (a week of camera detections), the refusals of a few
 * broken messages and the indicator points recomputed from them: each must return at least one
 * row with a value. A misspelt measurement, field, tag or indicator returns nothing and fails;
 * an InfluxQL error fails with InfluxDB's message.
 *
 * Variables are filled in as Grafana would: once with the city (`$locality` = hai-phong, all
 * stations), once with a commune (Tân Minh and its station), where readings are filtered on the
 * `locality` field. The Prometheus row of the pipeline dashboard is not covered (no Prometheus).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dashboard, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { CITY_ID, DASHBOARDS_DIR, renderAll } from '../src/index.ts';
import {
  influxQueries,
  interpolate,
  otherQueries,
  type PanelQuery,
  regexEscape,
  runInfluxQl,
  variableValues,
} from './grafana-queries.ts';
import { type Filled, fillInflux } from './simulated-influx.ts';

const engines = inject('engines');
const describeWithInflux = engines?.influx === undefined ? describe.skip : describe;

/** A commune with every kind of device (stations, inverters, a meter, a charger, cameras). */
const COMMUNE = 'tan-minh';

/** The files Grafana provisions (a unit test checks they equal a fresh generation). */
const dashboards: Dashboard[] = renderAll().map(
  (r) => JSON.parse(readFileSync(join(DASHBOARDS_DIR, r.file), 'utf8')) as Dashboard,
);
const queries: PanelQuery[] = dashboards.flatMap(influxQueries);
const variables = (d: Dashboard): VariableModel[] => d.templating?.list ?? [];

/**
 * Panels with nothing to show in Tân Minh, and why: its only energy meter is on a building,
 * which has no baseline, so no savings are judged there (README, Indicators).
 */
const EMPTY_IN_COMMUNE = new Set([
  'Tiết kiệm năng lượng',
  'Tiết kiệm so với đường cơ sở (tháng)',
  'Tiết kiệm theo lĩnh vực (tháng)',
  'Điện năng tiêu thụ thực tế và đường cơ sở theo tháng',
]);

describeWithInflux('dashboard queries on InfluxDB with simulated data', () => {
  const url = engines.influx?.url ?? '';
  const database = `dashboards_${process.pid}_${Date.now()}`;
  const now = Date.now();
  let filled: Filled;

  beforeAll(async () => {
    filled = await fillInflux({ url, database, now, readingHours: 26, detectionDays: 7 });
  }, 600_000);

  it('has data of every kind to query', () => {
    expect(filled.readings).toBeGreaterThan(40_000);
    expect(filled.detections).toBeGreaterThan(20);
    expect(filled.refusals).toBeGreaterThanOrEqual(20);
    expect(filled.indicatorPoints).toBeGreaterThan(1_000);
  });

  it('covers the six dashboards, every Influx-backed panel, and leaves only the Prometheus row out', () => {
    expect(dashboards.map((d) => d.uid)).toEqual([
      'hpg-city-overview',
      'hpg-wastewater',
      'hpg-energy-solar',
      'hpg-ev-charging',
      'hpg-dumping',
      'hpg-pipeline',
    ]);
    expect(queries).toHaveLength(65);
    const others = dashboards.flatMap((d) => otherQueries(d).map((p) => `${d.uid} / ${p}`));
    expect(others.every((p) => p.startsWith('hpg-pipeline / '))).toBe(true);
    expect(others).toHaveLength(7);
  });

  it("offers the localities and stations in the variables' lists", async () => {
    const ww = dashboards.find((d) => d.uid === 'hpg-wastewater');
    const locality = variables(ww as Dashboard).find((v) => v.name === 'locality') as VariableModel;
    const station = variables(ww as Dashboard).find((v) => v.name === 'station') as VariableModel;
    const localities = await variableValues(url, database, locality);
    expect(localities).toEqual(expect.arrayContaining([CITY_ID, COMMUNE, 'vinh-am', 'bach-dang']));
    expect(localities.length).toBe(10);
    const stations = await variableValues(url, database, station);
    expect(stations).toEqual(expect.arrayContaining([...filled.stationsByLocality.values()].flat()));
  });

  const passes = [
    { name: 'the city', locality: CITY_ID },
    { name: 'a commune', locality: COMMUNE },
  ];
  for (const pass of passes) {
    describe(`with $locality = ${pass.locality} (${pass.name})`, () => {
      const values = (q: PanelQuery): Record<string, string> => {
        const d = dashboards.find((x) => x.uid === q.dashboard) as Dashboard;
        const out: Record<string, string> = {};
        for (const v of variables(d)) {
          if (v.type === 'constant') out[v.name] = String(v.query);
          else if (v.name === 'locality') out[v.name] = pass.locality;
          else if (v.name === 'station') {
            // The city: "All" (its allValue); the commune: its own station, regex-escaped.
            const own = filled.stationsByLocality.get(pass.locality) ?? [];
            out[v.name] = pass.locality === CITY_ID ? String(v.allValue) : regexEscape(own[0] ?? 'none');
          } else throw new Error(`${d.uid}: variable ${v.name} has no test value`);
        }
        return out;
      };
      it.each(queries.map((q) => ({ ...q, label: `${q.dashboard} / ${q.panel} / ${q.refId}` })))(
        '$label',
        async (q) => {
          const text = interpolate(q, { now, variables: values(q) });
          expect(text, 'no variable left unfilled').not.toMatch(/\$\{?\w/);
          const result = await runInfluxQl(url, database, text);
          if (pass.locality === COMMUNE && EMPTY_IN_COMMUNE.has(q.panel)) return;
          expect(result.rowsWithValues, `no rows with a value for:\n${text}`).toBeGreaterThan(0);
        },
      );
    });
  }

  it('fails a query with a misspelt field, measurement, tag value or syntax', async () => {
    const q = queries.find((x) => x.dashboard === 'hpg-wastewater' && x.panel.startsWith('COD')) as PanelQuery;
    // The commune: with the city, the locality condition is true whatever the field is called.
    const vars = { locality: COMMUNE, city: CITY_ID, station: '.*' };
    const good = await runInfluxQl(url, database, interpolate(q, { now, variables: vars }));
    expect(good.rowsWithValues).toBeGreaterThan(0);
    const broken = [
      q.query.replace('mean("cod")', 'mean("code")'),
      q.query.replace('FROM "wastewater"', 'FROM "wastewaters"'),
      q.query.replace('"locality" =', '"localty" ='),
    ];
    for (const b of broken) {
      expect(b).not.toBe(q.query);
      const r = await runInfluxQl(url, database, interpolate({ ...q, query: b }, { now, variables: vars }));
      expect(r.rowsWithValues, b).toBe(0);
    }
    const typo = interpolate({ ...q, query: q.query.replace('mean(', 'maen(') }, { now, variables: vars });
    await expect(runInfluxQl(url, database, typo)).rejects.toThrow(/InfluxDB/);
    const indicator = queries.find((x) => x.query.includes("'ev.sessions'")) as PanelQuery;
    const wrongIndicator = interpolate(
      { ...indicator, query: indicator.query.replace("'ev.sessions'", "'ev.session'") },
      { now, variables: vars },
    );
    expect((await runInfluxQl(url, database, wrongIndicator)).rowsWithValues).toBe(0);
  });
});
