/** Wastewater: plants' compliance (indicators) and the automatic stations' measurements. */
import { type Dashboard, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { InfluxQl } from './datasources.ts';
import { frame } from './frame.ts';
import { INDICATORS } from './indicators.ts';
import {
  grafanaUnit,
  IN_LOCALITY,
  IN_STATIONS,
  ident,
  latestPerSite,
  meanPerDevice,
  metric,
  TIME_FILTER,
} from './influxql.ts';
import {
  barGaugePanel,
  dailyIndicatorBars,
  indicatorStat,
  RANGE,
  tablePanel,
  timeSeriesPanel,
  valueText,
} from './panels.ts';
import { cityVariable, localityVariable, stationVariable } from './variables.ts';

export const WASTEWATER_UID = 'hpg-wastewater';

/** The station parameters charted, with their Vietnamese names. */
const PARAMETERS = [
  { m: metric('wastewater', 'cod'), vi: 'COD (nhu cầu oxy hóa học)' },
  { m: metric('wastewater', 'tss'), vi: 'TSS (chất rắn lơ lửng)' },
  { m: metric('wastewater', 'nh4'), vi: 'Amoni (NH₄⁺ tính theo N)' },
  { m: metric('wastewater', 'ph'), vi: 'pH' },
  { m: metric('wastewater', 'flow_out'), vi: 'Lưu lượng nước thải sau xử lý' },
  { m: metric('wastewater', 'temperature'), vi: 'Nhiệt độ nước thải' },
] as const;

export function wastewater(): Dashboard {
  const target100 = { value: 100, higherIsBetter: true } as const;
  const d = frame({
    uid: WASTEWATER_UID,
    title: 'Nước thải – Trạm quan trắc tự động',
    description:
      'Wastewater: compliance of the treatment plants with their standards (indicator points) and the measurements of the automatic monitoring stations (Circular 10/2021/TT-BTNMT).',
    tags: ['wastewater'],
    from: 'now-24h',
    variables: [localityVariable(), cityVariable(), stationVariable()],
  })
    .withRow(new RowBuilder('Tuân thủ quy chuẩn'))
    .withPanel(
      indicatorStat(
        'wastewater.plants_compliant_pct',
        { vi: 'Cơ sở đạt chuẩn (tháng)', en: 'Plants compliant (month)' },
        { target: target100, width: 8 },
      ),
    )
    .withPanel(
      indicatorStat(
        'wastewater.central_wwtp_compliant_pct',
        { vi: 'XLNT tập trung KCN, CCN đạt chuẩn', en: 'Central industrial plants compliant' },
        { target: target100, width: 8 },
      ),
    )
    .withPanel(
      indicatorStat(
        'wastewater.plants_monitored',
        { vi: 'Số cơ sở được quan trắc', en: 'Plants monitored' },
        { width: 8 },
      ),
    )
    .withPanel(
      dailyIndicatorBars(
        'wastewater.plants_compliant_pct',
        {
          vi: 'Tỷ lệ cơ sở đạt chuẩn theo ngày',
          en: 'Plants compliant per day',
          note: 'The dashed line is the 100 % target.',
        },
        { alias: 'Đạt chuẩn', target: target100, min: 0, max: 100, width: 8 },
      ),
    )
    .withPanel(
      tablePanel(
        {
          vi: 'Kết quả đánh giá từng cơ sở (tháng)',
          en: 'Each plant judged (month)',
          about: `${INDICATORS['wastewater.plant_compliant'].en} A plant without data has no row. Latest month.`,
        },
        {
          targets: [new InfluxQl(latestPerSite('wastewater.plant_compliant'))],
          timeFrom: RANGE.month,
          mappings: [valueText({ '1': { text: 'Đạt', color: 'green' }, '0': { text: 'Không đạt', color: 'red' } })],
          transformations: [
            {
              id: 'organize',
              options: { excludeByName: { Time: true }, renameByName: { scope: 'Cơ sở', last: 'Kết quả' } },
            },
          ],
          width: 8,
        },
      ),
    )
    .withPanel(
      barGaugePanel(
        {
          vi: 'Mức đầy đủ dữ liệu của từng cơ sở (tháng)',
          en: 'Data completeness per plant (month)',
          about: `${INDICATORS['wastewater.plant_completeness_pct'].en} Latest month.`,
        },
        {
          targets: [new InfluxQl(latestPerSite('wastewater.plant_completeness_pct')).alias('$tag_scope')],
          unit: 'percent',
          timeFrom: RANGE.month,
          min: 0,
          max: 100,
          width: 8,
        },
      ),
    )
    .withRow(new RowBuilder('Thông số quan trắc'));
  for (const { m, vi } of PARAMETERS) {
    d.withPanel(
      timeSeriesPanel(
        {
          vi,
          en: m.spec.description,
          about: `Mean per interval of each station's \`${m.key}\` (${m.spec.unit}), whatever its status (measuring, calibrating, error); the compliance indicators count measuring values only.`,
        },
        {
          targets: [new InfluxQl(meanPerDevice(m, [IN_STATIONS])).alias('$tag_device')],
          unit: grafanaUnit(m.spec),
          width: 8,
        },
      ),
    );
  }
  const cod = metric('wastewater', 'cod');
  const flow = metric('wastewater', 'flow_out');
  return d
    .withPanel(
      tablePanel(
        {
          vi: 'Giá trị mới nhất của từng trạm',
          en: 'Latest values per station',
          about:
            'The last value of each parameter and its status at each station in the range (status: measuring, calibrating, error — Circular 10/2021 codes 00/01/02).',
        },
        {
          targets: [
            new InfluxQl(
              `SELECT last(${ident(cod.key)}) AS ${ident('COD')}, last(${ident('cod_q')}) AS ${ident('Trạng thái COD')}, last(${ident('tss')}) AS ${ident('TSS')}, last(${ident('nh4')}) AS ${ident('NH4')}, last(${ident('ph')}) AS ${ident('pH')}, last(${ident(flow.key)}) AS ${ident('Lưu lượng')} FROM ${ident('wastewater')} WHERE ${IN_LOCALITY} AND ${IN_STATIONS} AND ${TIME_FILTER} GROUP BY ${ident('device')}`,
            ),
          ],
          columns: {
            COD: { unit: grafanaUnit(cod.spec) },
            TSS: { unit: grafanaUnit(metric('wastewater', 'tss').spec) },
            NH4: { unit: grafanaUnit(metric('wastewater', 'nh4').spec) },
            'Lưu lượng': { unit: grafanaUnit(flow.spec) },
            device: { header: 'Trạm' },
          },
          transformations: [{ id: 'organize', options: { excludeByName: { Time: true } } }],
          width: 24,
        },
      ),
    )
    .build();
}
