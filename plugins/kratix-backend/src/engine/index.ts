// The pure engine: parsers, status rules and the workflow executor.
export * from './interfaces';
export { KratixValidationError, parseYamlDocument } from './errors';
export * from './promise';
export * from './resourceValidation';
export * from './statusFile';
export * from './merge';
export * from './conditions';
export * from './lifecycle';
export * from './health';
export * from './outputs';
export * from './workflow';
