import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type FastifyRequest } from 'fastify';

import { attachPrincipal, IS_PUBLIC_KEY } from '@toolgate/core';

import { AuthService } from './auth.service';

/**
 * Global guard (runs before the policy guard): every route needs a valid bearer credential unless it is
 * marked `@Public()`. On success the principal is attached to the request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    if (context.getType() !== 'http') return false;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    attachPrincipal(request, await this.auth.authenticateRequest(request));
    return true;
  }
}
