/**
 * What every dashboard of the platform shares: uid, tags, time zone, a menu of the other
 * dashboards, read-only (they are code: a change is made here and regenerated).
 */
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import {
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  type VariableModel,
} from '@grafana/grafana-foundation-sdk/dashboard';

/** Every dashboard carries it: the menu lists the dashboards with this tag. */
export const TAG = 'hpg';

export function frame(o: {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** Default range, e.g. `now-24h`. */
  readonly from: string;
  readonly variables: readonly Builder<VariableModel>[];
}): DashboardBuilder {
  return new DashboardBuilder(o.title)
    .uid(o.uid)
    .description(o.description)
    .tags([TAG, ...o.tags])
    .timezone('Asia/Ho_Chi_Minh')
    .weekStart('monday')
    .time({ from: o.from, to: 'now' })
    .refresh('1m')
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly()
    .variables([...o.variables])
    .link(
      new DashboardLinkBuilder('Bảng điều khiển')
        .type(DashboardLinkType.Dashboards)
        .tags([TAG])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true)
        .targetBlank(false)
        .icon('external link')
        .tooltip('Other dashboards of the platform'),
    );
}
