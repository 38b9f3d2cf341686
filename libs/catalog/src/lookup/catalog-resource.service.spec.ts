import { makeCatalogManifest, makePrincipal } from '@toolgate/testing';

import { type CatalogService } from '../catalog.service';
import { resourceFromManifest } from '../manifest/manifest.util';
import { CatalogResourceService, manifestOfResource } from './catalog-resource.service';

describe('CatalogResourceService', () => {
  const manifest = makeCatalogManifest({ toolId: 'test:echo', safety_tags: ['write'] });
  const catalog = { resolve: (toolId: string) => (toolId === 'test:echo' ? manifest : undefined) };
  const resolver = new CatalogResourceService(catalog as unknown as CatalogService);

  it('resolves the policy attributes, carrying the exact manifest without listing or copying it', async () => {
    const resource = await resolver.resolve('test:echo', makePrincipal());
    expect(manifestOfResource(resource)).toBe(manifest);
    expect(resource).toEqual(resourceFromManifest(manifest));
    expect(JSON.stringify(resource)).toBe(JSON.stringify(resourceFromManifest(manifest)));
    expect(manifestOfResource({ ...resource })).toBeUndefined();
    expect(manifestOfResource({ toolId: 'test:echo' })).toBeUndefined();
    expect(await resolver.resolve('test:nope', makePrincipal())).toBeUndefined();
  });
});
