/**
 * Panel factories on the SDK's builders, so the dashboards read as a list of what they show.
 * Titles are Vietnamese (the users are the city's, wards' and communes' officials); each
 * description starts with the title in English and says what the numbers are.
 */

import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import {
  BarGaugeDisplayMode,
  BigValueColorMode,
  BigValueGraphMode,
  BigValueTextMode,
  GraphDrawStyle,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  StackingConfigBuilder,
  StackingMode,
  TableSortByFieldStateBuilder,
  TooltipDisplayMode,
  VisibilityMode,
  VizLegendOptionsBuilder,
  VizOrientation,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  type DataTransformerConfig,
  MappingType,
  type Panel,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type ValueMapping,
} from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { INFLUX, InfluxQl } from './datasources.ts';
import { INDICATORS, type IndicatorName } from './indicators.ts';
import { indicatorSeries, latestIndicator } from './influxql.ts';

/** Shown instead of an empty panel. */
export const NO_DATA = 'Không có dữ liệu';

/** Relative ranges of indicator panels (indicator points sit at their window's start). */
export const RANGE = {
  /** Covers the running month's start and the running day. */
  month: '35d',
  /** A year of months and the running year's start. */
  year: '400d',
} as const;

export interface Text {
  /** Vietnamese title. */
  readonly vi: string;
  /** The same in English, opening the description. */
  readonly en: string;
  /** What the panel shows, how it is computed. */
  readonly about?: string;
}

const describe = (t: Text): string => (t.about === undefined ? t.en : `${t.en}. ${t.about}`);

/** Thresholds: a neutral colour, or red below a target and green from it. */
export function thresholds(target?: { readonly value: number; readonly higherIsBetter: boolean }) {
  const steps =
    target === undefined
      ? [{ value: null, color: 'blue' }]
      : target.higherIsBetter
        ? [
            { value: null, color: 'red' },
            { value: target.value, color: 'green' },
          ]
        : [
            { value: null, color: 'green' },
            { value: target.value, color: 'red' },
          ];
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

const lastNotNull = () => new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);

const legend = (calcs: string[] = []) =>
  new VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(calcs.length === 0 ? LegendDisplayMode.List : LegendDisplayMode.Table)
    .placement(LegendPlacement.Bottom)
    .calcs(calcs);

const tooltip = () => new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending);

/** A big number. */
export function statPanel(
  t: Text,
  o: {
    readonly targets: readonly InfluxQl[];
    readonly unit: string;
    readonly timeFrom?: string;
    readonly target?: { readonly value: number; readonly higherIsBetter: boolean };
    readonly decimals?: number;
    readonly width?: number;
  },
): stat.PanelBuilder {
  const p = new stat.PanelBuilder()
    .title(t.vi)
    .description(describe(t))
    .datasource(INFLUX)
    .targets([...o.targets])
    .unit(o.unit)
    .noValue(NO_DATA)
    .reduceOptions(lastNotNull())
    .graphMode(BigValueGraphMode.None)
    .colorMode(BigValueColorMode.Value)
    .textMode(BigValueTextMode.Value)
    .thresholds(thresholds(o.target))
    .height(5)
    .span(o.width ?? 6);
  if (o.timeFrom !== undefined) p.timeFrom(o.timeFrom);
  if (o.decimals !== undefined) p.decimals(o.decimals);
  return p;
}

/** The chosen locality's latest month value of an indicator. */
export function indicatorStat(
  name: IndicatorName,
  t: Omit<Text, 'about'>,
  o: { readonly target?: { readonly value: number; readonly higherIsBetter: boolean }; readonly width?: number } = {},
): stat.PanelBuilder {
  const spec = INDICATORS[name];
  return statPanel(
    { ...t, about: `${spec.en} The latest month of the last 35 days; indicator point \`${name}\`.` },
    {
      targets: [new InfluxQl(latestIndicator(name))],
      unit: spec.unit,
      timeFrom: RANGE.month,
      ...(o.target !== undefined && { target: o.target }),
      ...(o.width !== undefined && { width: o.width }),
      ...(spec.unit === 'none' && { decimals: 0 }),
    },
  );
}

/** Lines (or bars) over time. */
export function timeSeriesPanel(
  t: Text,
  o: {
    readonly targets: readonly InfluxQl[];
    readonly unit: string;
    readonly timeFrom?: string;
    /** Minimum query interval, e.g. `1h` for sparse events. */
    readonly interval?: string;
    readonly bars?: boolean;
    readonly stacked?: boolean;
    /** A dashed line at the plans' target. */
    readonly target?: { readonly value: number; readonly higherIsBetter: boolean };
    readonly min?: number;
    readonly max?: number;
    readonly legendCalcs?: string[];
    readonly width?: number;
    readonly height?: number;
    readonly transformations?: readonly DataTransformerConfig[];
  },
): timeseries.PanelBuilder {
  const p = new timeseries.PanelBuilder()
    .title(t.vi)
    .description(describe(t))
    .datasource(INFLUX)
    .targets([...o.targets])
    .unit(o.unit)
    .noValue(NO_DATA)
    .legend(legend(o.legendCalcs))
    .tooltip(tooltip())
    .drawStyle(o.bars === true ? GraphDrawStyle.Bars : GraphDrawStyle.Line)
    .fillOpacity(o.bars === true ? 80 : 10)
    .lineWidth(1)
    .showPoints(o.bars === true ? VisibilityMode.Never : VisibilityMode.Auto)
    .spanNulls(false)
    .thresholds(thresholds(o.target))
    .height(o.height ?? 8)
    .span(o.width ?? 12);
  if (o.target !== undefined) {
    p.thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
  }
  if (o.stacked === true) p.stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
  if (o.timeFrom !== undefined) p.timeFrom(o.timeFrom);
  if (o.interval !== undefined) p.interval(o.interval);
  if (o.min !== undefined) p.min(o.min);
  if (o.max !== undefined) p.max(o.max);
  if (o.transformations !== undefined) p.transformations([...o.transformations]);
  return p;
}

/** The chosen locality's daily points of one indicator over the last 35 days, as bars. */
export function dailyIndicatorBars(
  name: IndicatorName,
  t: Omit<Text, 'about'> & { readonly note?: string },
  o: { readonly alias: string } & Omit<Parameters<typeof timeSeriesPanel>[1], 'targets' | 'unit' | 'timeFrom' | 'bars'>,
): timeseries.PanelBuilder {
  const { alias, ...rest } = o;
  return timeSeriesPanel(
    { vi: t.vi, en: t.en, about: `${INDICATORS[name].en}${t.note === undefined ? '' : ` ${t.note}`} Last 35 days.` },
    {
      targets: [new InfluxQl(indicatorSeries([name], 'day')).alias(alias)],
      unit: INDICATORS[name].unit,
      timeFrom: RANGE.month,
      bars: true,
      ...rest,
    },
  );
}

/** One bar per series (a site, a reason, a sector), its latest value. */
export function barGaugePanel(
  t: Text,
  o: {
    readonly targets: readonly InfluxQl[];
    readonly unit: string;
    readonly timeFrom?: string;
    readonly target?: { readonly value: number; readonly higherIsBetter: boolean };
    readonly min?: number;
    readonly max?: number;
    readonly width?: number;
    readonly height?: number;
    readonly transformations?: readonly DataTransformerConfig[];
  },
): bargauge.PanelBuilder {
  const p = new bargauge.PanelBuilder()
    .title(t.vi)
    .description(describe(t))
    .datasource(INFLUX)
    .targets([...o.targets])
    .unit(o.unit)
    .noValue(NO_DATA)
    .reduceOptions(lastNotNull())
    .orientation(VizOrientation.Horizontal)
    .displayMode(BarGaugeDisplayMode.Gradient)
    .showUnfilled(true)
    .thresholds(thresholds(o.target))
    .height(o.height ?? 8)
    .span(o.width ?? 12);
  if (o.timeFrom !== undefined) p.timeFrom(o.timeFrom);
  if (o.min !== undefined) p.min(o.min);
  if (o.max !== undefined) p.max(o.max);
  if (o.transformations !== undefined) p.transformations([...o.transformations]);
  return p;
}

/** Rows as InfluxDB returns them (tags as columns). */
export function tablePanel(
  t: Text,
  o: {
    readonly targets: readonly InfluxQl[];
    readonly unit?: string;
    readonly timeFrom?: string;
    readonly sortBy?: { readonly column: string; readonly desc: boolean };
    readonly mappings?: readonly ValueMapping[];
    readonly transformations?: readonly DataTransformerConfig[];
    /** Per-column display settings (unit, header), by the column's name. */
    readonly columns?: Readonly<Record<string, { readonly unit?: string; readonly header?: string }>>;
    readonly width?: number;
    readonly height?: number;
  },
): table.PanelBuilder {
  const p = new table.PanelBuilder()
    .title(t.vi)
    .description(describe(t))
    .datasource(INFLUX)
    .targets(o.targets.map((q) => q.table()))
    .noValue(NO_DATA)
    .filterable(true)
    .height(o.height ?? 8)
    .span(o.width ?? 12);
  if (o.unit !== undefined) p.unit(o.unit);
  if (o.timeFrom !== undefined) p.timeFrom(o.timeFrom);
  if (o.sortBy !== undefined) {
    p.sortBy([new TableSortByFieldStateBuilder().displayName(o.sortBy.column).desc(o.sortBy.desc)]);
  }
  if (o.mappings !== undefined) p.mappings([...o.mappings]);
  if (o.transformations !== undefined) p.transformations([...o.transformations]);
  for (const [column, c] of Object.entries(o.columns ?? {})) {
    const properties = [
      ...(c.unit === undefined ? [] : [{ id: 'unit', value: c.unit }]),
      ...(c.header === undefined ? [] : [{ id: 'displayName', value: c.header }]),
    ];
    p.overrideByName(column, properties);
  }
  return p;
}

/** Value → Vietnamese text (and colour). */
export function valueText(
  entries: Readonly<Record<string, { readonly text: string; readonly color?: string }>>,
): ValueMapping {
  const options: Record<string, { text: string; color?: string; index: number }> = {};
  Object.entries(entries).forEach(([value, r], index) => {
    options[value] = { text: r.text, ...(r.color !== undefined && { color: r.color }), index };
  });
  return { type: MappingType.ValueToText, options };
}

/** Renames series / columns by a regex (Grafana's `renameByRegex` transformation). */
export function renameByRegex(regex: string, renamePattern: string): DataTransformerConfig {
  return { id: 'renameByRegex', options: { regex, renamePattern } };
}

/** Any panel builder of this package. */
export type AnyPanel = Builder<Panel>;
