import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { KratixEngineClient } from '../client/KratixEngineClient';

/** Who calls the engine, and where progress goes. */
export interface EngineCaller {
  engine: KratixEngineClient;
  /** The user's credentials: the engine checks their permissions. */
  credentials: BackstageCredentials;
  logger: LoggerService;
}
