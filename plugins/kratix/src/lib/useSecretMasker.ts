import { useMemo } from 'react';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { SECRET_KEY_PATTERNS_CONFIG, SecretMasker } from './secrets';

/** The masking rule, from `kratix.frontend.secretKeyPatterns` or the defaults. */
export function useSecretMasker(): SecretMasker {
  const config = useApi(configApiRef);
  const patterns = config.getOptionalStringArray(SECRET_KEY_PATTERNS_CONFIG);
  const key = JSON.stringify(patterns ?? null);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => new SecretMasker(patterns), [key]);
}
