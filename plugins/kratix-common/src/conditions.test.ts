import { findWorkflowCondition } from './conditions';

describe('findWorkflowCondition', () => {
  it('prefers ConfigureWorkflowCompleted', () => {
    const c = findWorkflowCondition({
      conditions: [
        { type: 'PipelineCompleted', status: 'False' },
        { type: 'ConfigureWorkflowCompleted', status: 'True' },
      ],
    });
    expect(c?.status).toBe('True');
  });

  it('falls back to the legacy PipelineCompleted', () => {
    const c = findWorkflowCondition({
      conditions: [
        {
          type: 'PipelineCompleted',
          status: 'True',
          reason: 'PipelineExecutedSuccessfully',
        },
      ],
    });
    expect(c?.reason).toBe('PipelineExecutedSuccessfully');
  });

  it('returns undefined without conditions', () => {
    expect(findWorkflowCondition({})).toBeUndefined();
  });
});
