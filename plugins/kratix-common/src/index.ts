/**
 * Types, constants and permissions shared by the Kratix for Backstage plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './conditions';
export * from './health';
export * from './resourceRef';
export * from './permissions';
