/**
 * The data sources the dashboards read, by the fixed uids that infra/grafana/provisioning
 * creates them under, and the InfluxQL query model of Grafana's InfluxDB data source, which the
 * Foundation SDK has no builder for (it ships Prometheus, Loki, … but not InfluxDB).
 */
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/** InfluxDB in InfluxQL mode (1.x, or 2.x/3.x through their v1 API): every data panel. */
export const INFLUX: DataSourceRef = { type: 'influxdb', uid: 'hpg-influxdb' };

/** Prometheus scraping the services' /metrics: optional, only the pipeline dashboard's last row. */
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: 'hpg-prometheus' };

export type ResultFormat = 'time_series' | 'table';

/** A raw InfluxQL target as Grafana's InfluxDB data source stores it (`rawQuery: true`). */
export interface InfluxQlTarget extends Dataquery {
  refId: string;
  datasource: DataSourceRef;
  query: string;
  rawQuery: true;
  resultFormat: ResultFormat;
  /** Series name pattern: `$tag_<key>`, `$measurement`, `$col`. */
  alias?: string;
  hide?: boolean;
}

export class InfluxQl implements Builder<Dataquery> {
  readonly #target: InfluxQlTarget;

  constructor(query: string) {
    this.#target = {
      refId: 'A',
      datasource: INFLUX,
      query,
      rawQuery: true,
      resultFormat: 'time_series',
      _implementsDataqueryVariant() {},
    };
  }

  refId(refId: string): this {
    this.#target.refId = refId;
    return this;
  }

  alias(alias: string): this {
    this.#target.alias = alias;
    return this;
  }

  /** One row per point (tables); the default is one series per group (charts, stats). */
  table(): this {
    this.#target.resultFormat = 'table';
    return this;
  }

  build(): InfluxQlTarget {
    return this.#target;
  }
}

export function isInfluxQlTarget(target: unknown): target is InfluxQlTarget {
  const t = target as Partial<InfluxQlTarget> | null;
  return typeof t === 'object' && t !== null && t.datasource?.type === INFLUX.type && typeof t.query === 'string';
}
