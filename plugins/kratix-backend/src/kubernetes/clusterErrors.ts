// The Kubernetes API server's answers, as the REST API's errors.
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { describeError } from './ClusterCache';

/** What the API server's Status says, for a failed call to `cluster`. */
export function clusterError(cluster: string, error: unknown): Error {
  const code = (error as { code?: unknown })?.code;
  const reason = describeError(error);
  if (typeof code !== 'number') {
    return new ServiceUnavailableError(
      `cluster ${cluster} unreachable: ${reason}`,
    );
  }
  const message = `cluster ${cluster}: ${reason}`;
  switch (code) {
    case 400:
      return new InputError(message);
    case 403:
      return new NotAllowedError(message);
    case 404:
      return new NotFoundError(message);
    case 409:
      return new ConflictError(message);
    case 422: {
      const invalid = new InputError(message);
      (invalid as { statusCode?: number }).statusCode = 422;
      return invalid;
    }
    default:
      return new ServiceUnavailableError(message);
  }
}

/** Runs a call to the cluster; its failure becomes a REST API error. */
export async function onCluster<T>(
  cluster: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw clusterError(cluster, e);
  }
}
