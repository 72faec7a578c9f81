export interface Config {
  kratix?: {
    /** Settings of the Kratix frontend plugin (card and tab). */
    frontend?: {
      /**
       * Which status keys hold secrets: regular expressions, tested case
       * insensitively against each key. Their values are masked on the card
       * (shown on click), in the status YAML and in pipeline logs
       * (`key=value`, `key: value`, and the values themselves). Replaces
       * the default, which masks keys ending in password, passwd, pwd,
       * secret, token, apiKey, privateKey, accessKey, credential(s) or
       * connectionString, but not names of secrets such as
       * `passwordSecretName` or `secretRef`.
       * @visibility frontend
       */
      secretKeyPatterns?: string[];
      /**
       * How old a HealthRecord (its `lastRun`) may be before the card marks
       * it stale, e.g. `{ minutes: 10 }` (the default). Units: days, hours,
       * minutes, seconds.
       * @visibility frontend
       */
      healthStaleAfter?: {
        days?: number;
        hours?: number;
        minutes?: number;
        seconds?: number;
      };
    };
  };
}
