/**
 * Who may do what, where. Four roles (issue #9): an administrator (the IT team), an environment
 * officer (of a ward, a commune or the city), the commune police, and a viewer. Every permission
 * is further limited to the localities of the user's scope: their own locality and what is under
 * it (a city user sees the whole city).
 *
 * Personal data: camera detections and evidence (images of people and vehicles) are for the
 * police and the administrator only; refused raw input (anything a device sent) for the
 * administrator only.
 */
export const ROLES = ['admin', 'environment', 'police', 'viewer'] as const;
export type UserRole = (typeof ROLES)[number];

export const PERMISSIONS = [
  'readings:read',
  'detections:read',
  'refusals:read',
  'indicators:read',
  'exports:read',
  'alerts:read',
  'alerts:act',
  'alerts:requeue',
  'evidence:read',
  'evidence:hold',
  'registry:read',
  'audit:read',
  'ops:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ALL: readonly Permission[] = PERMISSIONS;

export const ROLE_PERMISSIONS: Readonly<Record<UserRole, readonly Permission[]>> = {
  admin: ALL,
  environment: ['readings:read', 'indicators:read', 'exports:read', 'alerts:read', 'alerts:act', 'registry:read'],
  police: [
    'detections:read',
    'indicators:read',
    'alerts:read',
    'alerts:act',
    'evidence:read',
    'evidence:hold',
    'registry:read',
  ],
  viewer: ['readings:read', 'indicators:read', 'exports:read', 'registry:read'],
};

export function can(role: UserRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/**
 * Which alerts a role handles, by the alert's routed role (packages/alerts: police for dumping,
 * environment for wastewater, operator for devices). Environment officers also see the
 * operators' device alerts of their locality.
 */
export const ALERT_ROLES_SEEN: Readonly<Record<UserRole, readonly string[]>> = {
  admin: ['police', 'environment', 'operator'],
  environment: ['environment', 'operator'],
  police: ['police'],
  viewer: [],
};

/** The signed-in user as the routes see them. */
export interface Principal {
  readonly id: string;
  readonly name: string;
  readonly role: UserRole;
  readonly localityId: string;
  /** The localities the user may see: their own and those under it. */
  readonly scope: ReadonlySet<string>;
  /** How they came in: a session cookie (state changes need the CSRF token) or a bearer token. */
  readonly via: 'cookie' | 'bearer';
}

export function inScope(p: Principal, localityId: string): boolean {
  return p.scope.has(localityId);
}
