/** City overview: the plans' headline indicators for the city or one locality, and live data. */
import { type Dashboard, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { InfluxQl } from './datasources.ts';
import { frame } from './frame.ts';
import { INDICATORS, type IndicatorName } from './indicators.ts';
import { ALL_READINGS, IN_LOCALITY, ident, indicatorSeries, latestPerLocality, TIME_FILTER } from './influxql.ts';
import { dailyIndicatorBars, indicatorStat, RANGE, tablePanel, timeSeriesPanel } from './panels.ts';
import { cityVariable, localityVariable } from './variables.ts';

export const CITY_OVERVIEW_UID = 'hpg-city-overview';

const COMPARED: readonly [IndicatorName, string][] = [
  ['wastewater.plants_compliant_pct', 'XLNT đạt chuẩn'],
  ['solar.energy_kwh', 'Điện mặt trời'],
  ['ev.sessions', 'Lượt sạc xe điện'],
  ['dumping.incidents', 'Vụ đổ thải'],
  ['energy.savings_pct', 'Tiết kiệm năng lượng'],
];

export function cityOverview(): Dashboard {
  const target100 = { value: 100, higherIsBetter: true } as const;
  return frame({
    uid: CITY_OVERVIEW_UID,
    title: 'Hải Phòng – Tổng quan chuyển đổi xanh',
    description:
      'City overview of the green-transition plans (Resolution 08-NQ/TU): the headline indicators of the city or of one ward or commune, their trends, and the data arriving from devices.',
    tags: ['overview'],
    from: 'now-24h',
    variables: [localityVariable(), cityVariable()],
  })
    .withRow(new RowBuilder('Chỉ tiêu tháng gần nhất'))
    .withPanel(
      indicatorStat(
        'wastewater.plants_compliant_pct',
        { vi: 'Cơ sở xử lý nước thải đạt chuẩn', en: 'Wastewater treatment plants compliant' },
        { target: target100, width: 4 },
      ),
    )
    .withPanel(
      indicatorStat(
        'wastewater.central_wwtp_compliant_pct',
        { vi: 'XLNT tập trung KCN, CCN đạt chuẩn', en: 'Central industrial treatment plants compliant' },
        { target: target100, width: 4 },
      ),
    )
    .withPanel(
      indicatorStat('solar.energy_kwh', { vi: 'Điện mặt trời mái nhà', en: 'Rooftop solar energy' }, { width: 4 }),
    )
    .withPanel(indicatorStat('ev.sessions', { vi: 'Lượt sạc xe điện', en: 'EV charging sessions' }, { width: 4 }))
    .withPanel(
      indicatorStat('dumping.incidents', { vi: 'Vụ đổ thải trái phép', en: 'Illegal dumping incidents' }, { width: 4 }),
    )
    .withPanel(
      indicatorStat(
        'energy.savings_pct',
        { vi: 'Tiết kiệm năng lượng', en: 'Energy savings against the baseline' },
        { width: 4 },
      ),
    )
    .withRow(new RowBuilder('Xu hướng'))
    .withPanel(
      timeSeriesPanel(
        {
          vi: 'Tỷ lệ cơ sở XLNT đạt chuẩn theo tháng (mục tiêu 100 %)',
          en: 'Treatment plants compliant per month (target 100 %)',
          about: `${INDICATORS['wastewater.plants_compliant_pct'].en} The dashed line is the 100 % target. Last 400 days.`,
        },
        {
          targets: [
            new InfluxQl(
              indicatorSeries(['wastewater.plants_compliant_pct', 'wastewater.central_wwtp_compliant_pct'], 'month'),
            ).alias('$tag_indicator'),
          ],
          unit: 'percent',
          timeFrom: RANGE.year,
          target: target100,
          min: 0,
          max: 100,
          transformations: [
            {
              id: 'renameByRegex',
              options: { regex: 'wastewater\\.plants_compliant_pct', renamePattern: 'Tất cả cơ sở' },
            },
            {
              id: 'renameByRegex',
              options: { regex: 'wastewater\\.central_wwtp_compliant_pct', renamePattern: 'XLNT tập trung KCN, CCN' },
            },
          ],
        },
      ),
    )
    .withPanel(
      dailyIndicatorBars(
        'solar.energy_kwh',
        { vi: 'Sản lượng điện mặt trời theo ngày', en: 'Rooftop solar energy per day' },
        { alias: 'Điện mặt trời' },
      ),
    )
    .withPanel(
      tablePanel(
        {
          vi: 'So sánh các địa bàn (tháng gần nhất)',
          en: 'Localities compared (latest month)',
          about: `The latest month of each locality: ${COMPARED.map(([n]) => `\`${n}\``).join(', ')}.`,
        },
        {
          targets: [new InfluxQl(latestPerLocality(COMPARED.map(([n]) => n)))],
          timeFrom: RANGE.month,
          transformations: [
            { id: 'groupingToMatrix', options: { columnField: 'indicator', rowField: 'scope', valueField: 'last' } },
            {
              id: 'organize',
              options: { renameByName: Object.fromEntries([['scope\\indicator', 'Địa bàn'], ...COMPARED]) },
            },
          ],
          columns: Object.fromEntries(COMPARED.map(([n, vi]) => [vi, { unit: INDICATORS[n].unit }])),
          width: 12,
          height: 9,
        },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          vi: 'Dữ liệu thiết bị nhận được',
          en: 'Device data received',
          about:
            'Readings stored per minute in the chosen locality, by kind: wastewater, solar, meter, EV status, EV meter values, EV sessions.',
        },
        {
          targets: [
            new InfluxQl(
              `SELECT count(${ident('received_at')}) * 60000 / $__interval_ms FROM ${ALL_READINGS} WHERE ${IN_LOCALITY} AND ${TIME_FILTER} GROUP BY time($__interval) fill(none)`,
            ).alias('$measurement'),
          ],
          unit: 'recpm',
          width: 12,
          height: 9,
        },
      ),
    )
    .build();
}
