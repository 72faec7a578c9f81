import { PropsWithChildren } from 'react';
import * as core from '@backstage/core-components';

/**
 * core-components' status icons mark their whole span aria-hidden, text
 * included, so a screen reader never hears "False" or "Configure workflow
 * failed". The same components with their text left readable (their
 * props go last onto that span); the icon itself stays hidden.
 */
const readable = (Status: (props: PropsWithChildren<{}>) => JSX.Element) => {
  const Readable = (props: PropsWithChildren<{}>) => (
    <Status {...({ 'aria-hidden': undefined, 'aria-label': undefined } as {})}>
      {props.children}
    </Status>
  );
  return Readable;
};

export const StatusOK = readable(core.StatusOK);
export const StatusError = readable(core.StatusError);
export const StatusPending = readable(core.StatusPending);
export const StatusRunning = readable(core.StatusRunning);
export const StatusWarning = readable(core.StatusWarning);
