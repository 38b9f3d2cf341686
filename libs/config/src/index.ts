export { appConfig, type AppConfig, AppEnv, loadAppConfig } from './app.config';
export { ConfigValidationError, EnvBoolean, EnvInt, EnvList, validateEnv } from './env.util';
