/**
 * Which status keys hold secrets: regular expressions tested, case
 * insensitively, against each key. Anchored at the end, so `password`,
 * `dbPassword` and `clientSecret` are secret, while names of secrets
 * (`passwordSecretName`, `secretRef`, `tokenSecretName`) are not.
 */
export const DEFAULT_SECRET_KEY_PATTERNS: readonly string[] = [
  '(password|passwd|pwd|secret|token|api[-_]?key|private[-_]?key|access[-_]?key|credentials?|connection[-_]?string)$',
];

/** What a masked value shows instead. */
export const MASK = '••••••••';

/** The config key that replaces the default patterns. */
export const SECRET_KEY_PATTERNS_CONFIG = 'kratix.frontend.secretKeyPatterns';

/** One masking rule, for the card, the YAML and the logs. */
export class SecretMasker {
  readonly #patterns: RegExp[];

  /** Throws, naming the config key and index, on a pattern that is not a regular expression. */
  constructor(patterns: readonly string[] = DEFAULT_SECRET_KEY_PATTERNS) {
    this.#patterns = patterns.map((source, index) => {
      try {
        return new RegExp(source, 'i');
      } catch (e) {
        throw new Error(
          `${SECRET_KEY_PATTERNS_CONFIG}[${index}] is not a valid regular expression: ${
            (e as Error).message
          }`,
        );
      }
    });
  }

  isSecretKey(key: string): boolean {
    return this.#patterns.some(p => p.test(key));
  }

  /** A copy with every scalar under a secret key replaced by the mask. */
  maskValue(value: unknown, key?: string): unknown {
    if (Array.isArray(value)) {
      return value.map(v => this.maskValue(v, key));
    }
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          this.maskValue(v, k),
        ]),
      );
    }
    return key !== undefined && value !== null && this.isSecretKey(key)
      ? MASK
      : value;
  }

  /** The string values found under secret keys (to hide them in logs). */
  secretValues(value: unknown, key?: string, out: Set<string> = new Set()) {
    if (Array.isArray(value)) {
      value.forEach(v => this.secretValues(v, key, out));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        this.secretValues(v, k, out);
      }
    } else if (
      key !== undefined &&
      (typeof value === 'string' || typeof value === 'number') &&
      String(value).length >= 4 &&
      this.isSecretKey(key)
    ) {
      out.add(String(value));
    }
    return out;
  }

  /**
   * A log with secrets hidden: the value of every `key=value` or
   * `key: value` whose key is secret, and every known secret value.
   */
  maskLog(log: string, known: Iterable<string> = []): string {
    let out = log.replace(
      /([A-Za-z0-9_.-]+)(["']?[ \t]*[:=][ \t]*["']?)([^\s"',;]+)/g,
      (whole, key: string, sep: string, value: string) =>
        this.isSecretKey(key) && value !== MASK ? `${key}${sep}${MASK}` : whole,
    );
    for (const value of known) {
      out = out.split(value).join(MASK);
    }
    return out;
  }
}
