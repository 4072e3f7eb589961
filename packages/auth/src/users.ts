/**
 * Users of the web app and the API: id, name, role, locality and password hashes (scrypt, the
 * same credential format as devices). Loaded from a JSON file (HPG_USERS_FILE); the demo file is
 * marked `demo: true` and refused in production.
 */
import { IdSchema } from '@hpg/contracts';
import { CredentialSchema, type Registry, verifyPassword } from '@hpg/registry';
import { z } from 'zod';
import { type Principal, ROLES } from './policy.ts';

export const UserSchema = z.strictObject({
  id: IdSchema,
  name: z.string().min(1).max(200),
  role: z.enum(ROLES),
  localityId: IdSchema,
  /** One or two (during a password change), like device credentials. */
  credentials: z.array(CredentialSchema).min(1).max(2),
  disabled: z.boolean().default(false),
  /** Preferred language of the web app. */
  lang: z.enum(['vi', 'en']).default('vi'),
});
export type User = z.infer<typeof UserSchema>;

export const UsersFileSchema = z.strictObject({
  version: z.literal(1),
  /** A demo file (known passwords): refused in production. */
  demo: z.boolean().default(false),
  note: z.string().optional(),
  users: z.array(UserSchema),
});
export type UsersFile = z.infer<typeof UsersFileSchema>;

export class UsersError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`users: ${problems.join('; ')}`);
    this.name = 'UsersError';
    this.problems = problems;
  }
}

/** A fixed, valid scrypt credential that no password matches: equalises the work for unknown users. */
const DUMMY = {
  algo: 'scrypt' as const,
  n: 16_384,
  r: 8,
  p: 1,
  salt: 'AAAAAAAAAAAAAAAAAAAAAA==',
  hash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
};

export class Users {
  readonly demo: boolean;
  readonly #byId: ReadonlyMap<string, User>;
  readonly #registry: () => Registry;

  private constructor(file: UsersFile, registry: () => Registry) {
    this.demo = file.demo;
    this.#byId = new Map(file.users.map((u) => [u.id, u]));
    this.#registry = registry;
  }

  /** Validates the file against the registry (every locality known, ids unique), all problems at once. */
  static from(input: unknown, registry: () => Registry): Users {
    const parsed = UsersFileSchema.safeParse(input);
    if (!parsed.success) {
      throw new UsersError(parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`));
    }
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const u of parsed.data.users) {
      if (seen.has(u.id)) problems.push(`user "${u.id}" appears twice`);
      seen.add(u.id);
      if (registry().locality(u.localityId) === undefined) {
        problems.push(`user "${u.id}": locality "${u.localityId}" is not in the registry`);
      }
    }
    if (problems.length > 0) throw new UsersError(problems);
    return new Users(parsed.data, registry);
  }

  get(id: string): User | undefined {
    return this.#byId.get(id);
  }

  /** The user when the password is right and the account enabled; the same work either way. */
  async authenticate(id: string, password: string): Promise<User | undefined> {
    const u = this.#byId.get(id);
    const ok = await verifyPassword(password, u?.credentials ?? [DUMMY]);
    return ok && u !== undefined && !u.disabled ? u : undefined;
  }

  principal(u: User, via: Principal['via']): Principal {
    return {
      id: u.id,
      name: u.name,
      role: u.role,
      localityId: u.localityId,
      scope: new Set(this.#registry().localityScope(u.localityId)),
      via,
    };
  }
}
