// The alpha API: for backend modules that extend the Kratix engine.
export {
  kratixEngineExtensionPoint,
  type KratixEngineExtensionPoint,
} from './engineExtensionPoint';
export {
  RunnerUnavailableError,
  type Destination,
  type FailedPipelineRun,
  type KeyRef,
  type OutputFile,
  type Pipeline,
  type PipelineContainer,
  type PipelineEnvVar,
  type PipelineOutputs,
  type PipelineRunner,
  type PipelineRunRequest,
  type PipelineRunResult,
  type StateStore,
  type SucceededPipelineRun,
} from './engine/interfaces';
export {
  kratixResourceConditions,
  createKratixResourceConditionalDecision,
} from './permissions/conditions';
export {
  kratixResourcePermissionResourceRef,
  type KratixResourceEntry,
  type KratixResourceFilter,
} from './permissions/resourceRef';
