import { hasPromise } from './hasPromise';
import { isInNamespace } from './isInNamespace';
import { isRequestedBy } from './isRequestedBy';

/** The permission rules of Kratix Resources. */
export const kratixResourceRules = { isRequestedBy, isInNamespace, hasPromise };
