import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'toolgate:public';

/** Marks a handler or controller as reachable without authentication (health, docs, metrics, jwks). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
