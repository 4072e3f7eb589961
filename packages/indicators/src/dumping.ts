/**
 * Dumping incidents: detections of interest, deduplicated into incidents (the same pile seen
 * again by the same camera in the same zone within a window is one incident: Frigate re-detects
 * stationary objects, ../shared/domain/device-formats.md), and hotspots by site.
 */

export interface DetectionInput {
  readonly deviceId: string;
  readonly siteId: string;
  readonly eventId: string;
  readonly zone: string | null;
  readonly label: string;
  readonly score: number;
  readonly startedAt: number;
}

export interface Incident {
  readonly id: string;
  readonly deviceId: string;
  readonly siteId: string;
  readonly zone: string | null;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly eventIds: readonly string[];
  readonly maxScore: number;
}

export interface IncidentRule {
  readonly labels: readonly string[];
  readonly minScore: number;
  /** Re-detections within this long of the incident's last detection join it. */
  readonly windowMs: number;
}

/** Groups detections of interest into incidents; the incident id is its first event's id. */
export function incidents(detections: readonly DetectionInput[], rule: IncidentRule): Incident[] {
  const open = new Map<string, Incident>();
  const out: Incident[] = [];
  const sorted = [...detections]
    .filter((d) => rule.labels.includes(d.label) && d.score >= rule.minScore)
    .sort((a, b) => a.startedAt - b.startedAt || a.eventId.localeCompare(b.eventId));
  for (const d of sorted) {
    const key = `${d.deviceId}\u0000${d.zone ?? ''}`;
    const cur = open.get(key);
    if (cur !== undefined && d.startedAt - cur.lastAt <= rule.windowMs) {
      const merged: Incident = {
        ...cur,
        lastAt: d.startedAt,
        eventIds: [...cur.eventIds, d.eventId],
        maxScore: Math.max(cur.maxScore, d.score),
      };
      open.set(key, merged);
      out[out.indexOf(cur)] = merged;
    } else {
      const inc: Incident = {
        id: d.eventId,
        deviceId: d.deviceId,
        siteId: d.siteId,
        zone: d.zone,
        firstAt: d.startedAt,
        lastAt: d.startedAt,
        eventIds: [d.eventId],
        maxScore: d.score,
      };
      open.set(key, inc);
      out.push(inc);
    }
  }
  return out;
}

/** Incidents per site, most first. */
export function hotspots(list: readonly Incident[]): { siteId: string; incidents: number }[] {
  const counts = new Map<string, number>();
  for (const i of list) counts.set(i.siteId, (counts.get(i.siteId) ?? 0) + 1);
  return [...counts]
    .map(([siteId, n]) => ({ siteId, incidents: n }))
    .sort((a, b) => b.incidents - a.incidents || a.siteId.localeCompare(b.siteId));
}

/** What the police did with an incident (from the alert workflow). */
export interface IncidentOutcome {
  readonly status: 'open' | 'acknowledged' | 'resolved' | 'false_alarm';
  /** When the police were told (the alert was stored and its first message queued). */
  readonly createdAt: number;
  readonly acknowledgedAt: number | null;
  readonly closedAt: number | null;
}

export interface OutcomeSummary {
  readonly incidents: number;
  /** Closed as resolved: the dumping was real and dealt with. */
  readonly confirmed: number;
  readonly falseAlarms: number;
  /** Not closed yet (open or acknowledged). */
  readonly pending: number;
  /** Share of closed incidents that were false alarms; null when none closed. */
  readonly falseAlarmShare: number | null;
  /** Median minutes from being told to acknowledging, over the acknowledged; null without any. */
  readonly medianMinutesToAcknowledge: number | null;
  /** Median minutes from being told to closing (resolved or false alarm); null without any. */
  readonly medianMinutesToClose: number | null;
}

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Confirmed, false alarms and response times over incidents (medians: a few forgotten alerts do not swamp them). */
export function outcomeSummary(outcomes: readonly IncidentOutcome[]): OutcomeSummary {
  const confirmed = outcomes.filter((o) => o.status === 'resolved').length;
  const falseAlarms = outcomes.filter((o) => o.status === 'false_alarm').length;
  const minutes = (to: number | null, from: number) => (to === null ? [] : [(to - from) / 60_000]);
  return {
    incidents: outcomes.length,
    confirmed,
    falseAlarms,
    pending: outcomes.length - confirmed - falseAlarms,
    falseAlarmShare: confirmed + falseAlarms === 0 ? null : falseAlarms / (confirmed + falseAlarms),
    medianMinutesToAcknowledge: median(outcomes.flatMap((o) => minutes(o.acknowledgedAt, o.createdAt))),
    medianMinutesToClose: median(outcomes.flatMap((o) => minutes(o.closedAt, o.createdAt))),
  };
}
