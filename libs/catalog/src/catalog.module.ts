import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ProviderRegistryModule } from '@toolgate/core';
import { POLICY_RESOURCE_RESOLVER } from '@toolgate/policy';

import { ManifestAdminService } from './admin/manifest-admin.service';
import { ManifestController } from './admin/manifest.controller';
import { catalogConfig } from './catalog.config';
import { CatalogService } from './catalog.service';
import { ManifestVersionEntity } from './entities/manifest-version.entity';
import { ManifestEntity } from './entities/manifest.entity';
import { CatalogResourceService } from './lookup/catalog-resource.service';
import { SchemaValidatorService } from './lookup/schema-validator.service';
import { ManifestStore } from './store/manifest-store.service';
import { CatalogEvents } from './sync/catalog-events.service';
import { CatalogChangeListener } from './sync/catalog-listener.service';
import { CatalogSyncService } from './sync/catalog-sync.service';
import { CatalogViewService } from './view/catalog-view.service';
import { CatalogController } from './view/catalog.controller';

/**
 * The tool catalog: manifests in Postgres, provider tools synced at boot, an in-memory catalog kept fresh
 * on every replica through LISTEN/NOTIFY, compiled input validators, the catalog and manifest routes, and
 * the policy's resource resolver.
 */
@Module({
  imports: [
    ConfigModule.forFeature(catalogConfig),
    TypeOrmModule.forFeature([ManifestEntity, ManifestVersionEntity]),
    ProviderRegistryModule,
  ],
  controllers: [CatalogController, ManifestController],
  providers: [
    ManifestStore,
    CatalogService,
    CatalogChangeListener,
    CatalogSyncService,
    SchemaValidatorService,
    CatalogEvents,
    CatalogViewService,
    ManifestAdminService,
    CatalogResourceService,
    { provide: POLICY_RESOURCE_RESOLVER, useExisting: CatalogResourceService },
  ],
  exports: [
    CatalogService,
    ManifestAdminService,
    CatalogViewService,
    SchemaValidatorService,
    CatalogEvents,
    POLICY_RESOURCE_RESOLVER,
  ],
})
export class CatalogModule {}
