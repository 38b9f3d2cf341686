import { Injectable, Logger } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';

import { type Principal } from '@toolgate/core';

import { ApiKeysService } from './api-keys/api-keys.service';
import { API_KEY_TOKEN_PREFIX } from './api-keys/api-key-token.util';
import { InvalidTokenException } from './auth.exception';
import { extractBearerToken } from './bearer-token.util';
import { JwtVerifierService } from './jwt/jwt-verifier.service';

/** Turns a request's bearer credential (JWT or `tg_` API key) into a Principal, or a 401. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly jwt: JwtVerifierService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  authenticateRequest(request: FastifyRequest): Promise<Principal> {
    return this.authenticateToken(extractBearerToken(request.raw.rawHeaders), String(request.id));
  }

  async authenticateToken(token: string, requestId?: string): Promise<Principal> {
    try {
      return token.startsWith(API_KEY_TOKEN_PREFIX)
        ? await this.apiKeys.authenticate(token)
        : await this.jwt.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenException) {
        this.logger.debug({ msg: 'credential rejected', reason: error.reason, request_id: requestId });
      }
      throw error;
    }
  }
}
