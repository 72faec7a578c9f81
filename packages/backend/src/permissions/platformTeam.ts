import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

export const PLATFORM_TEAM_KEY = 'permission.kratix.platformTeam';

/**
 * `permission.kratix.platformTeam`: the users and groups (entity refs, such
 * as `group:default/platform`) who hold the platform permissions. None if
 * unset. A ref that is not a user or group is an error at start.
 */
export function readPlatformTeam(config: Config): ReadonlySet<string> {
  const refs = config.getOptionalStringArray(PLATFORM_TEAM_KEY) ?? [];
  return new Set(
    refs.map((ref, index) => {
      const where = `${PLATFORM_TEAM_KEY}[${index}]`;
      let parsed;
      try {
        parsed = parseEntityRef(ref);
      } catch (e) {
        throw new Error(`Invalid ${where}: ${(e as Error).message}`);
      }
      const kind = parsed.kind.toLocaleLowerCase('en-US');
      if (kind !== 'user' && kind !== 'group') {
        throw new Error(
          `Invalid ${where}: '${ref}' must name a user or a group, such as 'group:default/platform'`,
        );
      }
      return normalize(stringifyEntityRef(parsed));
    }),
  );
}

/** Entity refs compare case-insensitively, as the catalog does. */
export function normalize(ref: string): string {
  return ref.toLocaleLowerCase('en-US');
}
