/**
 * Template variables shared by the dashboards.
 *
 * `locality`: the city, a ward or a commune. Its options are the locality scopes of the stored
 * indicator points (every locality of the registry gets points for every window), so the list
 * follows the deployment's registry without a change here. Indicator panels take the locality's
 * own points (`scope`); reading panels filter on the readings' `locality` field through
 * `IN_LOCALITY` (influxql.ts), where the city — the hidden constant `city` — keeps everything.
 */
import {
  ConstantVariableBuilder,
  QueryVariableBuilder,
  VariableHide,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { INFLUX } from './datasources.ts';
import { ident, literal } from './influxql.ts';

/** The registry's root locality (config/registry.demo.json): readings never carry it. */
export const CITY_ID = 'hai-phong';

/** An indicator emitted for every locality scope and window (packages/reports/src/points.ts). */
const EVERY_LOCALITY_INDICATOR = 'ev.chargers';

export function localityVariable(): QueryVariableBuilder {
  return new QueryVariableBuilder('locality')
    .label('Địa bàn')
    .description('Locality: the city (everything) or one ward or commune.')
    .datasource(INFLUX)
    .query(
      `SHOW TAG VALUES FROM ${ident('indicators')} WITH KEY = ${ident('scope')} WHERE ${ident('indicator')} = ${literal(EVERY_LOCALITY_INDICATOR)}`,
    )
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.AlphabeticalAsc)
    .current({ text: CITY_ID, value: CITY_ID, selected: true });
}

export function cityVariable(): ConstantVariableBuilder {
  return new ConstantVariableBuilder('city')
    .description('The root locality: choosing it does not filter readings by locality.')
    .value(CITY_ID);
}

/** Wastewater stations (device ids), several or all at once. */
export function stationVariable(): QueryVariableBuilder {
  return new QueryVariableBuilder('station')
    .label('Trạm quan trắc')
    .description('Automatic wastewater monitoring stations (device ids); several may be chosen.')
    .datasource(INFLUX)
    .query(`SHOW TAG VALUES FROM ${ident('wastewater')} WITH KEY = ${ident('device')}`)
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all', selected: true })
    .hide(VariableHide.DontHide);
}
