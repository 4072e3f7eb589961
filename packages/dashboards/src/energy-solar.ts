/** Energy and rooftop solar: production, installations, savings against the baselines. */
import { type Dashboard, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { InfluxQl } from './datasources.ts';
import { frame } from './frame.ts';
import { INDICATORS, SECTOR_SAVINGS_INFLUXQL } from './indicators.ts';
import {
  grafanaUnit,
  IN_LOCALITY,
  ident,
  indicatorSeries,
  latestByIndicator,
  latestPerSite,
  metric,
  stateField,
  TIME_FILTER,
  totalOfDeviceMeans,
} from './influxql.ts';
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

export const ENERGY_SOLAR_UID = 'hpg-energy-solar';

/** SunSpec operating states (solar `s_state`) in Vietnamese. */
const INVERTER_STATES = valueText({
  off: { text: 'Tắt', color: 'text' },
  sleeping: { text: 'Nghỉ (ban đêm)', color: 'text' },
  starting: { text: 'Đang khởi động', color: 'blue' },
  mppt: { text: 'Đang phát điện', color: 'green' },
  throttled: { text: 'Giới hạn công suất', color: 'yellow' },
  shutting_down: { text: 'Đang dừng', color: 'blue' },
  fault: { text: 'Lỗi', color: 'red' },
  standby: { text: 'Chờ', color: 'text' },
});

export function energySolar(): Dashboard {
  const acPower = metric('solar', 'ac_power');
  const meterPower = metric('meter', 'power');
  return frame({
    uid: ENERGY_SOLAR_UID,
    title: 'Năng lượng và điện mặt trời mái nhà',
    description:
      'Energy: rooftop solar production and installations (Tân Minh’s targets), CO2 avoided, and the energy savings of metered facilities against their business-as-usual baselines, by sector.',
    tags: ['energy', 'solar'],
    from: 'now-24h',
    variables: [localityVariable(), cityVariable()],
  })
    .withRow(new RowBuilder('Điện mặt trời mái nhà'))
    .withPanel(indicatorStat('solar.energy_kwh', { vi: 'Sản lượng tháng này', en: 'Solar energy this month' }))
    .withPanel(indicatorStat('solar.installations', { vi: 'Số hệ thống đã lắp đặt', en: 'Installations' }))
    .withPanel(
      indicatorStat('solar.active_installations', {
        vi: 'Hệ thống phát điện trong 24 giờ qua',
        en: 'Installations active in the last 24 hours',
      }),
    )
    .withPanel(indicatorStat('solar.co2_avoided_t', { vi: 'CO₂ tránh được (tháng)', en: 'CO2 avoided this month' }))
    .withPanel(
      timeSeriesPanel(
        {
          vi: 'Tổng công suất phát (AC)',
          en: 'Total AC output power',
          about: `Sum over the locality's inverters of each inverter's mean \`${acPower.key}\` in the interval.`,
        },
        {
          targets: [new InfluxQl(totalOfDeviceMeans(acPower)).alias('Công suất AC')],
          unit: grafanaUnit(acPower.spec),
        },
      ),
    )
    .withPanel(
      dailyIndicatorBars(
        'solar.energy_kwh',
        { vi: 'Sản lượng điện theo ngày', en: 'Solar energy per day' },
        { alias: 'Sản lượng' },
      ),
    )
    .withPanel(
      barGaugePanel(
        {
          vi: 'Sản lượng theo công trình (tháng)',
          en: 'Solar energy per building (month)',
          about: 'Each rooftop installation’s energy in the latest month.',
        },
        {
          targets: [new InfluxQl(latestPerSite('solar.energy_kwh')).alias('$tag_scope')],
          unit: 'kwatth',
          timeFrom: RANGE.month,
          height: 10,
        },
      ),
    )
    .withPanel(
      tablePanel(
        {
          vi: 'Trạng thái biến tần',
          en: 'Inverter states',
          about: 'Each inverter’s last reported SunSpec state and AC power in the range.',
        },
        {
          targets: [
            new InfluxQl(
              `SELECT last(${stateField('state')}) AS ${ident('Trạng thái')}, last(${ident(acPower.key)}) AS ${ident('Công suất AC')} FROM ${ident('solar')} WHERE ${IN_LOCALITY} AND ${TIME_FILTER} GROUP BY ${ident('device')}`,
            ),
          ],
          mappings: [INVERTER_STATES],
          columns: { 'Công suất AC': { unit: grafanaUnit(acPower.spec) }, device: { header: 'Biến tần' } },
          transformations: [{ id: 'organize', options: { excludeByName: { Time: true } } }],
          height: 10,
        },
      ),
    )
    .withRow(new RowBuilder('Tiết kiệm năng lượng'))
    .withPanel(
      indicatorStat(
        'energy.savings_pct',
        { vi: 'Tiết kiệm so với đường cơ sở (tháng)', en: 'Savings against the baseline (month)' },
        { width: 8 },
      ),
    )
    .withPanel(
      barGaugePanel(
        {
          vi: 'Tiết kiệm theo lĩnh vực (tháng)',
          en: 'Savings by sector (month)',
          about:
            'Savings of each sector’s facilities against their baselines (`energy.savings_<sector>_pct`), latest month.',
        },
        {
          targets: [new InfluxQl(latestByIndicator(SECTOR_SAVINGS_INFLUXQL)).alias('$tag_indicator')],
          unit: 'percent',
          timeFrom: RANGE.month,
          width: 16,
          transformations: [
            renameByRegex('energy\\.savings_industry_pct', 'Công nghiệp'),
            renameByRegex('energy\\.savings_business_services_pct', 'Thương mại, dịch vụ'),
            renameByRegex('energy\\.savings_public_pct', 'Khu vực công'),
            renameByRegex('energy\\.savings_residential_pct', 'Hộ gia đình'),
            renameByRegex('energy\\.savings_(.+)_pct', '$1'),
          ],
        },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          vi: 'Điện năng tiêu thụ thực tế và đường cơ sở theo tháng',
          en: 'Actual consumption and baseline per month',
          about: `${INDICATORS['energy.actual_kwh'].en} ${INDICATORS['energy.baseline_kwh'].en} Last 400 days.`,
        },
        {
          targets: [
            new InfluxQl(indicatorSeries(['energy.actual_kwh', 'energy.baseline_kwh'], 'month')).alias(
              '$tag_indicator',
            ),
          ],
          unit: 'kwatth',
          timeFrom: RANGE.year,
          bars: true,
          transformations: [
            renameByRegex('energy\\.actual_kwh', 'Thực tế'),
            renameByRegex('energy\\.baseline_kwh', 'Đường cơ sở'),
          ],
        },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          vi: 'Công suất tiêu thụ của các cơ sở',
          en: 'Power drawn by the metered sites',
          about: `Sum over the locality's energy meters of each meter's mean \`${meterPower.key}\` in the interval.`,
        },
        {
          targets: [new InfluxQl(totalOfDeviceMeans(meterPower)).alias('Công suất tiêu thụ')],
          unit: grafanaUnit(meterPower.spec),
        },
      ),
    )
    .build();
}
