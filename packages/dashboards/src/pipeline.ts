/**
 * Pipeline health for the IT team: what reaches InfluxDB (readings per minute by kind, refusals
 * by reason, devices gone quiet, indicator freshness) and, when a Prometheus scrapes the
 * services' /metrics, the processes' own counters (ingest outcomes, writer throughput, bus lag,
 * alert deliveries). Writer lag and delivery counts are not in InfluxDB, hence the second source.
 */
import {
  LegendDisplayMode,
  LegendPlacement,
  SortOrder,
  TooltipDisplayMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { type Dashboard, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { InfluxQl, PROMETHEUS } from './datasources.ts';
import { frame } from './frame.ts';
import { ALL_READINGS, ident, TIME_FILTER } from './influxql.ts';
import { barGaugePanel, NO_DATA, RANGE, statPanel, tablePanel, thresholds, timeSeriesPanel } from './panels.ts';

export const PIPELINE_UID = 'hpg-pipeline';

/** A Prometheus time series panel (optional data source: the row is collapsed by default). */
function promPanel(vi: string, en: string, unit: string, exprs: readonly [string, string][]): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(vi)
    .description(`${en}. Prometheus (optional): needs a Prometheus scraping the services' /metrics.`)
    .datasource(PROMETHEUS)
    .targets(
      exprs.map(([expr, legend], i) =>
        new DataqueryBuilder()
          .datasource(PROMETHEUS)
          .refId(String.fromCharCode(65 + i))
          .expr(expr)
          .legendFormat(legend)
          .range(),
      ),
    )
    .unit(unit)
    .noValue(NO_DATA)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.List)
        .placement(LegendPlacement.Bottom),
    )
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending))
    .fillOpacity(10)
    .thresholds(thresholds())
    .height(8)
    .span(12);
}

export function pipeline(): Dashboard {
  const perMinute = `* 60000 / $__interval_ms`;
  return frame({
    uid: PIPELINE_UID,
    title: 'Tình trạng hệ thống thu nhận dữ liệu',
    description:
      'Pipeline health (IT team): readings stored per minute by kind, refused input by reason, devices by their last data, indicator recomputation; the processes’ Prometheus metrics in the last row when a Prometheus is configured.',
    tags: ['operations'],
    from: 'now-6h',
    variables: [],
  })
    .withRow(new RowBuilder('Dữ liệu trong InfluxDB'))
    .withPanel(
      timeSeriesPanel(
        {
          vi: 'Bản ghi đo lưu mỗi phút, theo loại',
          en: 'Readings stored per minute, by kind',
          about:
            'Points written per minute to each reading measurement (wastewater, solar, meter, ev_status, ev_meter, ev_session), by the reading’s time.',
        },
        {
          targets: [
            new InfluxQl(
              `SELECT count(${ident('received_at')}) ${perMinute} FROM ${ALL_READINGS} WHERE ${TIME_FILTER} GROUP BY time($__interval) fill(none)`,
            ).alias('$measurement'),
          ],
          unit: 'recpm',
          stacked: true,
          legendCalcs: ['mean', 'max'],
        },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          vi: 'Dữ liệu bị từ chối mỗi phút, theo lý do',
          en: 'Refusals per minute, by reason',
          about:
            'Refused input per minute by its reason code (README, Refusals): malformed payloads, unknown devices, units, ranges, timestamps…',
        },
        {
          targets: [
            new InfluxQl(
              `SELECT count(${ident('raw_size')}) ${perMinute} FROM ${ident('refusals')} WHERE ${TIME_FILTER} GROUP BY time($__interval), ${ident('reason')} fill(none)`,
            ).alias('$tag_reason'),
          ],
          unit: 'recpm',
          stacked: true,
          bars: true,
        },
      ),
    )
    .withPanel(
      barGaugePanel(
        {
          vi: 'Dữ liệu bị từ chối theo lý do',
          en: 'Refusals by reason',
          about: 'Refused messages in the range, by reason code.',
        },
        {
          targets: [
            new InfluxQl(
              `SELECT count(${ident('raw_size')}) FROM ${ident('refusals')} WHERE ${TIME_FILTER} GROUP BY ${ident('reason')}`,
            ).alias('$tag_reason'),
          ],
          unit: 'none',
          width: 8,
        },
      ),
    )
    .withPanel(
      tablePanel(
        {
          vi: 'Dữ liệu bị từ chối gần đây',
          en: 'Recent refusals',
          about:
            'The latest refused messages with their reason, detail, topic and device (the raw bytes are in the API).',
        },
        {
          targets: [
            new InfluxQl(
              `SELECT ${ident('reason')} AS ${ident('Lý do')}, ${ident('detail')} AS ${ident('Chi tiết')}, ${ident('topic')} AS ${ident('Topic')}, ${ident('device')} AS ${ident('Thiết bị')}, ${ident('raw_size')} AS ${ident('Kích thước')} FROM ${ident('refusals')} WHERE ${TIME_FILTER} ORDER BY time DESC LIMIT 100`,
            ),
          ],
          columns: { 'Kích thước': { unit: 'bytes' }, Time: { header: 'Thời điểm' } },
          width: 16,
        },
      ),
    )
    .withPanel(
      tablePanel(
        {
          vi: 'Thiết bị và lần nhận dữ liệu gần nhất',
          en: 'Devices by their last data',
          about:
            'When the platform last received a reading from each device in the range, per kind of reading (a charger has three), oldest first: a device at the top has gone quiet. A device with nothing in the range is not listed.',
        },
        {
          targets: [
            new InfluxQl(
              `SELECT last(${ident('received_at')}) AS ${ident('Nhận lúc')} FROM ${ALL_READINGS} WHERE ${TIME_FILTER} GROUP BY ${ident('device')}`,
            ),
          ],
          columns: {
            'Nhận lúc': { unit: 'dateTimeAsIso' },
            device: { header: 'Thiết bị' },
            Time: { header: 'Thời điểm đo' },
          },
          sortBy: { column: 'Nhận lúc', desc: false },
          width: 16,
          height: 10,
        },
      ),
    )
    .withPanel(
      statPanel(
        {
          vi: 'Chỉ tiêu được tính lại lần cuối',
          en: 'Indicators last recomputed',
          about:
            'The latest `computed_at` of the indicator points: the indicator service recomputes the running month at least every 15 minutes.',
        },
        {
          targets: [
            new InfluxQl(`SELECT max(${ident('computed_at')}) FROM ${ident('indicators')} WHERE ${TIME_FILTER}`),
          ],
          unit: 'dateTimeFromNow',
          timeFrom: RANGE.year,
          width: 8,
        },
      ),
    )
    .withRow(
      new RowBuilder('Số liệu tiến trình (Prometheus, tùy chọn)')
        .withPanel(
          promPanel('Tin nhắn thiết bị theo kết quả', 'Device messages per second by outcome (ingest)', 'reqps', [
            ['sum by (outcome) (rate(hpg_ingest_messages_total[$__rate_interval]))', '{{outcome}}'],
          ]),
        )
        .withPanel(
          promPanel('Từ chối theo lý do', 'Refusals per second by reason (ingest)', 'reqps', [
            ['sum by (reason) (rate(hpg_ingest_refusals_total[$__rate_interval]))', '{{reason}}'],
          ]),
        )
        .withPanel(
          promPanel('Bản ghi ghi vào kho', 'Records written to the store per second, by bus topic (writer)', 'wps', [
            ['sum by (topic) (rate(hpg_writer_records_total[$__rate_interval]))', '{{topic}}'],
            ['sum(rate(hpg_writer_failures_total[$__rate_interval]))', 'lỗi ghi'],
          ]),
        )
        .withPanel(
          promPanel(
            'Độ trễ hàng đợi',
            'Bus lag: records published but not yet committed, by topic and group (the all-in-one’s in-process bus; on Kafka, the consumer groups’ lag comes from a Kafka exporter)',
            'short',
            [['sum by (topic, group) (hpg_bus_lag_records)', '{{topic}} / {{group}}']],
          ),
        )
        .withPanel(
          promPanel('Gửi cảnh báo theo kênh', 'Alert delivery attempts per minute by channel and outcome', 'opm', [
            [
              'sum by (channel, outcome) (rate(hpg_alert_deliveries_total[$__rate_interval])) * 60',
              '{{channel}} {{outcome}}',
            ],
          ]),
        )
        .withPanel(
          promPanel('Hàng đợi gửi cảnh báo', 'Deliveries in the alert outbox by channel and status', 'short', [
            ['sum by (channel, status) (hpg_alert_outbox)', '{{channel}} {{status}}'],
          ]),
        ),
    )
    .build();
}
