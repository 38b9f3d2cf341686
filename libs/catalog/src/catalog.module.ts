import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ProviderRegistryModule } from '@toolgate/core';
import { POLICY_RESOURCE_RESOLVER } from '@toolgate/policy';

import { CatalogEvents } from './catalog-events.service';
import { CatalogChangeListener } from './catalog-listener.service';
import { CatalogResourceService } from './catalog-resource.service';
import { CatalogSyncService } from './catalog-sync.service';
import { CatalogViewService } from './catalog-view.service';
import { catalogConfig } from './catalog.config';
import { CatalogController } from './catalog.controller';
import { CatalogService } from './catalog.service';
import { ManifestVersionEntity } from './entities/manifest-version.entity';
import { ManifestEntity } from './entities/manifest.entity';
import { ManifestAdminService } from './manifest-admin.service';
import { ManifestController } from './manifest.controller';
import { ManifestStore } from './manifest-store.service';
import { SchemaValidatorService } from './schema-validator.service';

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
