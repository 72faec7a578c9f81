/**
 * Types, constants, permissions and the REST API client shared by the
 * Kratix for Backstage plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './conditions';
export * from './health';
export * from './resourceRef';
export * from './permissions';
export * from './client/KratixApiClient';
