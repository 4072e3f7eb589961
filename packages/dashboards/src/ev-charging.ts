/** EV charging: sessions, energy, availability (indicators) and the chargers' live data. */
import { type Dashboard, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { InfluxQl } from './datasources.ts';
import { frame } from './frame.ts';
import { grafanaUnit, IN_LOCALITY, ident, metric, stateField, TIME_FILTER, totalOfDeviceMeans } from './influxql.ts';
import { dailyIndicatorBars, indicatorStat, tablePanel, timeSeriesPanel, valueText } from './panels.ts';
import { cityVariable, localityVariable } from './variables.ts';

export const EV_CHARGING_UID = 'hpg-ev-charging';

/** OCPP ChargePointStatus (1.6, and 2.0.1's Occupied) in Vietnamese. */
const CONNECTOR_STATUS = valueText({
  Available: { text: 'Sẵn sàng', color: 'green' },
  Preparing: { text: 'Đang chuẩn bị', color: 'blue' },
  Charging: { text: 'Đang sạc', color: 'blue' },
  Occupied: { text: 'Đang sử dụng', color: 'blue' },
  SuspendedEV: { text: 'Tạm dừng (xe)', color: 'yellow' },
  SuspendedEVSE: { text: 'Tạm dừng (trụ sạc)', color: 'yellow' },
  Finishing: { text: 'Đang kết thúc', color: 'blue' },
  Reserved: { text: 'Đã đặt trước', color: 'purple' },
  Unavailable: { text: 'Không khả dụng', color: 'orange' },
  Faulted: { text: 'Lỗi', color: 'red' },
});

const SESSION_EVENT = valueText({
  start: { text: 'Bắt đầu', color: 'green' },
  stop: { text: 'Kết thúc', color: 'blue' },
});

export function evCharging(): Dashboard {
  const power = metric('ev_meter', 'power');
  const register = metric('ev_session', 'energy_register');
  return frame({
    uid: EV_CHARGING_UID,
    title: 'Sạc xe điện',
    description:
      'EV charging: sessions, energy delivered, chargers and connector availability against the network milestones, CO2 avoided, and the chargers’ live status, power and sessions (OCPP).',
    tags: ['ev'],
    from: 'now-24h',
    variables: [localityVariable(), cityVariable()],
  })
    .withRow(new RowBuilder('Chỉ tiêu tháng gần nhất'))
    .withPanel(indicatorStat('ev.sessions', { vi: 'Lượt sạc', en: 'Charging sessions' }, { width: 4 }))
    .withPanel(indicatorStat('ev.energy_kwh', { vi: 'Điện năng đã sạc', en: 'Energy delivered' }, { width: 4 }))
    .withPanel(indicatorStat('ev.chargers', { vi: 'Số trụ sạc', en: 'Chargers' }, { width: 4 }))
    .withPanel(
      indicatorStat(
        'ev.connector_availability_pct',
        { vi: 'Tỷ lệ cổng sạc sẵn sàng', en: 'Connector availability' },
        { width: 4 },
      ),
    )
    .withPanel(
      indicatorStat(
        'ev.stations_operational',
        { vi: 'Trạm sạc đang hoạt động', en: 'Charging stations operational' },
        { width: 4 },
      ),
    )
    .withPanel(indicatorStat('ev.co2_avoided_t', { vi: 'CO₂ tránh được', en: 'CO2 avoided' }, { width: 4 }))
    .withRow(new RowBuilder('Hoạt động sạc'))
    .withPanel(
      dailyIndicatorBars(
        'ev.sessions',
        { vi: 'Lượt sạc theo ngày', en: 'Charging sessions per day' },
        { alias: 'Lượt sạc', width: 8 },
      ),
    )
    .withPanel(
      dailyIndicatorBars(
        'ev.energy_kwh',
        { vi: 'Điện năng sạc theo ngày', en: 'Energy delivered per day' },
        { alias: 'Điện năng', width: 8 },
      ),
    )
    .withPanel(
      timeSeriesPanel(
        {
          vi: 'Tổng công suất sạc',
          en: 'Total charging power',
          about: `Sum over the locality's connectors of each connector's mean \`${power.key}\` (OCPP Power.Active.Import) in the interval.`,
        },
        {
          targets: [new InfluxQl(totalOfDeviceMeans(power, true)).alias('Công suất sạc')],
          unit: grafanaUnit(power.spec),
          width: 8,
        },
      ),
    )
    .withPanel(
      tablePanel(
        {
          vi: 'Trạng thái cổng sạc',
          en: 'Connector status',
          about:
            'Each connector’s last reported OCPP status in the last 7 days (chargers report a status when it changes).',
        },
        {
          targets: [
            new InfluxQl(
              `SELECT last(${stateField('status')}) AS ${ident('Trạng thái')} FROM ${ident('ev_status')} WHERE ${IN_LOCALITY} AND ${TIME_FILTER} GROUP BY ${ident('device')}, ${ident('channel')}`,
            ),
          ],
          timeFrom: '7d',
          mappings: [CONNECTOR_STATUS],
          columns: { device: { header: 'Trụ sạc' }, channel: { header: 'Cổng' }, Time: { header: 'Thời điểm' } },
          height: 10,
        },
      ),
    )
    .withPanel(
      tablePanel(
        {
          vi: 'Phiên sạc gần đây',
          en: 'Recent charging sessions',
          about: 'Start and stop events of charging sessions with the connector’s energy register, newest first.',
        },
        {
          targets: [
            new InfluxQl(
              `SELECT ${ident('device')} AS ${ident('Trụ sạc')}, ${ident('channel')} AS ${ident('Cổng')}, ${stateField('event')} AS ${ident('Sự kiện')}, ${stateField('sessionId')} AS ${ident('Mã phiên')}, ${ident(register.key)} AS ${ident('Chỉ số công tơ')} FROM ${ident('ev_session')} WHERE ${IN_LOCALITY} AND ${TIME_FILTER} ORDER BY time DESC LIMIT 100`,
            ),
          ],
          mappings: [SESSION_EVENT],
          columns: { 'Chỉ số công tơ': { unit: grafanaUnit(register.spec) }, Time: { header: 'Thời điểm' } },
          height: 10,
        },
      ),
    )
    .build();
}
