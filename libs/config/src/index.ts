export { appConfig, type AppConfig, AppEnv, loadAppConfig } from './app.config';
export {
  ConfigValidationError,
  EnvBoolean,
  EnvInt,
  EnvList,
  IsOrigin,
  IsParsableUrl,
  validateEnv,
} from './env.util';
