export { PipedriveProviderModule } from './pipedrive.module';
export { PIPEDRIVE_PROVIDER_KEY, PipedriveProviderService } from './pipedrive-provider.service';
export { type PipedriveCall, PipedriveClient } from './pipedrive.client';
export { loadPipedriveConfig, type PipedriveConfig, pipedriveConfig } from './pipedrive.config';
export {
  PipedriveAnswerUnreadableException,
  PipedriveNotFoundException,
  PipedriveValidationException,
} from './pipedrive.exception';
export { type DealFields, type PersonFields, type PipedriveRecord } from './pipedrive.types';
export { FakePipedrive, type FakePipedriveRequest } from './testing/fake-pipedrive.util';
