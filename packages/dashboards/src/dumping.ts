/** Illegal dumping: incidents, the police's handling of the alerts, and the cameras' detections. */
import { type Dashboard, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { InfluxQl } from './datasources.ts';
import { frame } from './frame.ts';
import { IN_LOCALITY, ident, indicatorSeries, latestPerSite, TIME_FILTER } from './influxql.ts';
import {
  barGaugePanel,
  dailyIndicatorBars,
  indicatorStat,
  RANGE,
  renameByRegex,
  tablePanel,
  timeSeriesPanel,
  valueText,
} from './panels.ts';
import { cityVariable, localityVariable } from './variables.ts';

export const DUMPING_UID = 'hpg-dumping';

/** The label the dumping indicators and alert rules count (Frigate / our cameras' `waste`). */
const WASTE = 'waste';

export function dumping(): Dashboard {
  return frame({
    uid: DUMPING_UID,
    title: 'Đổ thải trái phép',
    description:
      'Illegal dumping: incidents detected by the cameras (deduplicated), the alerts sent to the commune police and how they were handled (confirmed, false alarms, minutes to acknowledge and to close), hotspots and the latest detections.',
    tags: ['dumping'],
    from: 'now-7d',
    variables: [localityVariable(), cityVariable()],
  })
    .withRow(new RowBuilder('Chỉ tiêu tháng gần nhất'))
    .withPanel(indicatorStat('dumping.incidents', { vi: 'Vụ việc', en: 'Incidents' }, { width: 3 }))
    .withPanel(indicatorStat('dumping.detections', { vi: 'Lượt phát hiện', en: 'Detections' }, { width: 3 }))
    .withPanel(
      indicatorStat('dumping.alerts', { vi: 'Cảnh báo gửi công an', en: 'Alerts sent to the police' }, { width: 3 }),
    )
    .withPanel(indicatorStat('dumping.confirmed', { vi: 'Được xác nhận', en: 'Confirmed (resolved)' }, { width: 3 }))
    .withPanel(indicatorStat('dumping.false_alarms', { vi: 'Báo nhầm', en: 'False alarms' }, { width: 3 }))
    .withPanel(indicatorStat('dumping.pending', { vi: 'Chưa xử lý xong', en: 'Pending' }, { width: 3 }))
    .withPanel(
      indicatorStat(
        'dumping.ack_minutes_median',
        { vi: 'Thời gian tiếp nhận (trung vị)', en: 'Median minutes to acknowledge' },
        { width: 3 },
      ),
    )
    .withPanel(
      indicatorStat(
        'dumping.close_minutes_median',
        { vi: 'Thời gian xử lý xong (trung vị)', en: 'Median minutes to close' },
        { width: 3 },
      ),
    )
    .withRow(new RowBuilder('Diễn biến'))
    .withPanel(
      dailyIndicatorBars(
        'dumping.incidents',
        { vi: 'Vụ việc theo ngày', en: 'Incidents per day' },
        { alias: 'Vụ việc', width: 8 },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          vi: 'Kết quả xử lý cảnh báo theo tháng',
          en: 'Alert outcomes per month',
          about:
            'Alerts the police confirmed, closed as false alarms, or have not closed yet, by the month they opened. Last 400 days.',
        },
        {
          targets: [
            new InfluxQl(
              indicatorSeries(['dumping.confirmed', 'dumping.false_alarms', 'dumping.pending'], 'month'),
            ).alias('$tag_indicator'),
          ],
          unit: 'none',
          timeFrom: RANGE.year,
          bars: true,
          stacked: true,
          width: 8,
          transformations: [
            renameByRegex('dumping\\.confirmed', 'Được xác nhận'),
            renameByRegex('dumping\\.false_alarms', 'Báo nhầm'),
            renameByRegex('dumping\\.pending', 'Chưa xử lý xong'),
          ],
        },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          vi: 'Phát hiện rác thải theo camera',
          en: 'Waste detections per camera',
          about: `Camera detections labelled \`${WASTE}\` per interval (at least an hour), by camera, before deduplication into incidents.`,
        },
        {
          targets: [
            new InfluxQl(
              `SELECT count(${ident('score')}) FROM ${ident('detections')} WHERE ${ident('label')} = '${WASTE}' AND ${IN_LOCALITY} AND ${TIME_FILTER} GROUP BY time($__interval), ${ident('device')} fill(none)`,
            ).alias('$tag_device'),
          ],
          unit: 'none',
          interval: '1h',
          bars: true,
          stacked: true,
          width: 8,
        },
      ),
    )
    .withPanel(
      barGaugePanel(
        {
          vi: 'Điểm nóng (tháng)',
          en: 'Hotspots (month)',
          about: 'Incidents per camera spot in the latest month.',
        },
        {
          targets: [new InfluxQl(latestPerSite('dumping.incidents')).alias('$tag_scope')],
          unit: 'none',
          timeFrom: RANGE.month,
          width: 8,
          height: 10,
        },
      ),
    )
    .withPanel(
      tablePanel(
        {
          vi: 'Phát hiện gần đây',
          en: 'Recent detections',
          about:
            'The latest camera detections of every label with their score, zone, phase and snapshot link, newest first.',
        },
        {
          targets: [
            new InfluxQl(
              `SELECT ${ident('device')} AS ${ident('Camera')}, ${ident('site')} AS ${ident('Điểm')}, ${ident('label')} AS ${ident('Loại')}, ${ident('score')} AS ${ident('Độ tin cậy')}, ${ident('zone')} AS ${ident('Vùng')}, ${ident('phase')} AS ${ident('Giai đoạn')}, ${ident('snapshot_url')} AS ${ident('Ảnh')} FROM ${ident('detections')} WHERE ${IN_LOCALITY} AND ${TIME_FILTER} ORDER BY time DESC LIMIT 100`,
            ),
          ],
          mappings: [
            valueText({
              waste: { text: 'Rác thải', color: 'red' },
              person: { text: 'Người' },
              car: { text: 'Ô tô' },
              motorcycle: { text: 'Xe máy' },
              truck: { text: 'Xe tải' },
            }),
          ],
          columns: { 'Độ tin cậy': { unit: 'percentunit' }, Time: { header: 'Thời điểm' } },
          width: 16,
          height: 10,
        },
      ),
    )
    .build();
}
