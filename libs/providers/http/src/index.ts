export { HttpProviderModule } from './http-provider.module';
export { HttpProviderService } from './http-provider.service';
export { HttpApiClient } from './http-api.client';
export { HttpApiEntity } from './entities/http-api.entity';
export { httpProviderConfig, type HttpProviderConfig, loadHttpProviderConfig } from './http-provider.config';
export {
  type HttpApiAuth,
  type HttpApiDefinition,
  type HttpOperation,
  httpToolId,
  parseHttpToolId,
} from './http-api.types';
