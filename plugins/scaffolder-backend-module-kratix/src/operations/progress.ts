import { LoggerService } from '@backstage/backend-plugin-api';
import {
  KratixResource,
  PipelineRun,
  PipelineStatus,
} from '@kratix-backstage/plugin-kratix-common';

/** Logs each pipeline's phase and the Resource's message when they change. */
export class ProgressLogger {
  private readonly seen = new Map<string, string>();

  constructor(private readonly logger: LoggerService) {}

  report(resource: KratixResource): void {
    const status = resource.status;
    for (const p of status?.kratix?.workflows?.pipelines ?? []) {
      const detail = p.message ? `: ${p.message}` : '';
      this.once(`pipeline ${p.name}`, `Pipeline ${p.name} ${p.phase}${detail}`);
    }
    if (status?.message) {
      this.once('message', `Resource message: ${status.message}`);
    }
  }

  private once(key: string, line: string): void {
    if (this.seen.get(key) === line) return;
    this.seen.set(key, line);
    this.logger.info(line);
  }
}

/** The failed pipeline's own message, from the status or else the run. */
export function failedPipelineMessage(
  resource: KratixResource,
  run?: { pipelines: PipelineRun[] },
): string | undefined {
  const failed = (p: PipelineStatus | PipelineRun) =>
    p.phase === 'Failed' && p.message;
  const pipeline =
    resource.status?.kratix?.workflows?.pipelines?.find(failed) ??
    run?.pipelines.find(failed);
  return pipeline ? `${pipeline.name}: ${pipeline.message}` : undefined;
}
