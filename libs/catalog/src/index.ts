export { CatalogModule } from './catalog.module';
export { CatalogService, type CatalogReloadListener } from './catalog.service';
export {
  CatalogViewService,
  type CatalogEntry,
  type CatalogFilter,
  INVOKE_ACTION,
} from './view/catalog-view.service';
export { SchemaValidatorService } from './lookup/schema-validator.service';
export {
  type ManifestInput,
  ManifestAdminService,
  type ManifestRecord,
} from './admin/manifest-admin.service';
export {
  CatalogEvents,
  type ManifestChangeEvent,
  type ManifestChangeListener,
  type ManifestChangeType,
} from './sync/catalog-events.service';
export { CatalogResourceService, manifestOfResource } from './lookup/catalog-resource.service';
export {
  DuplicateManifestException,
  InvalidManifestException,
  ManifestNotFoundException,
  ManifestTenantForbiddenException,
  ProviderToolManifestException,
  ToolNotFoundException,
  TooManyToolsException,
  UnknownProviderException,
} from './catalog.exception';
export { MAX_MANIFEST_BYTES, MAX_SCHEMA_BYTES, manifestSizeProblems } from './manifest/manifest-size.util';
export { CATALOG_CHANNEL } from './store/manifest-row.util';
export { ManifestEntity } from './entities/manifest.entity';
export { ManifestVersionEntity } from './entities/manifest-version.entity';
export {
  type CatalogManifest,
  type ManifestActor,
  MANIFEST_SOURCES,
  type ManifestSource,
  PUBLIC_TENANT,
  type ToolManifest,
} from './manifest.types';
export { manifestFromTool, manifestHash, resourceFromManifest } from './manifest/manifest.util';
