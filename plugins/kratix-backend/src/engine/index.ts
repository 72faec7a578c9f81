// The pure engine: parsers, status rules and the workflow executor.
export * from './interfaces';
export { KratixValidationError } from './errors';
export * from './depth';
export * from './names';
export * from './yamlDocuments';
export * from './promise';
export * from './resourceValidation';
export * from './statusFile';
export * from './merge';
export * from './conditions';
export * from './lifecycle';
export * from './health';
export * from './outputs';
export * from './workflow';
export * from './goDuration';
export * from './apiChanges';
export * from './processRunnerSupport';
export * from './requirements';
