import {
  kratixHealthRecordWritePermission,
  kratixPromiseManagePermission,
} from '@kratix-backstage/plugin-kratix-common';
import {
  templateDryRunPermission,
  templateManagementPermission,
} from '@backstage/plugin-scaffolder-common/alpha';

/**
 * What only the platform team may do: each of these runs, or fakes, what the
 * platform runs. A Promise's pipelines run any command on the backend host;
 * a HealthRecord sets a Resource's health; a template dry-run runs a
 * template written by the caller.
 */
export const platformPermissions: ReadonlySet<string> = new Set(
  [
    kratixPromiseManagePermission,
    kratixHealthRecordWritePermission,
    templateDryRunPermission,
    templateManagementPermission,
  ].map(p => p.name),
);
