// When each container process ran: a ContainerSpawner that times every
// spawn from its start to its close, so the embedded runner and the node
// agent's runner measure their containers the same way.
import {
  ContainerProcessEvents,
  ContainerSpawnOptions,
  ContainerSpawner,
} from '../src/runner/ContainerSpawner';
import { ForkedContainerSpawner } from '../src/runner/ForkedContainerSpawner';

/** An argument of the pipelines' own containers (not a Pod's helpers). */
export const PIPELINE_CONTAINER_MARK = 'kratix-bench-pipeline-container';

export interface ContainerSpan {
  start: number;
  end: number;
  /** One of the pipeline's containers, not the reader or collector. */
  pipeline: boolean;
}

export class ContainerClock implements ContainerSpawner {
  readonly spans: ContainerSpan[] = [];

  constructor(
    private readonly inner: ContainerSpawner = new ForkedContainerSpawner(),
  ) {}

  spawn(
    file: string,
    args: string[],
    options: ContainerSpawnOptions,
    events: ContainerProcessEvents,
  ) {
    const span: ContainerSpan = {
      start: performance.now(),
      end: NaN,
      pipeline: args.includes(PIPELINE_CONTAINER_MARK),
    };
    this.spans.push(span);
    return this.inner.spawn(file, args, options, {
      onOutput: (fd, text) => events.onOutput(fd, text),
      onExit: end => events.onExit(end),
      onClose: () => {
        span.end = performance.now();
        events.onClose();
      },
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** The spans that started in [from, to). */
  between(from: number, to: number): ContainerSpan[] {
    return this.spans.filter(s => s.start >= from && s.start < to);
  }
}
