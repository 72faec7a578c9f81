import { WorkflowRunTrigger } from '@kratix-backstage/plugin-kratix-common';

const TRIGGER_WORDS: Record<WorkflowRunTrigger, string> = {
  create: 'Create',
  'spec-change': 'Spec change',
  manual: 'Manual',
  interval: 'Interval',
  retry: 'Retry',
  'promise-change': 'Promise change',
  delete: 'Delete',
};

/** Shown for what is not known (older runs, observe mode). */
export const UNKNOWN = '—';

/** Why a run started, in words. */
export function triggerWords(trigger: WorkflowRunTrigger | undefined): string {
  return (trigger && TRIGGER_WORDS[trigger]) || UNKNOWN;
}

/** The generation a run was started for; observe mode reports 0. */
export function generationWords(generation: number | undefined): string {
  return generation ? String(generation) : UNKNOWN;
}
