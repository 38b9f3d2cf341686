import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo } from 'node:net';

import { RefreshTokenSource } from '@toolgate/broker';

import { type CampaignPlan } from '../ads.types';

/** One request the fake received, as sent (form bodies parsed into an object). */
export interface FakeGoogleAdsRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** JSON body, or the form fields of a token request. */
  body: unknown;
}

interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as is instead of `body` as JSON. */
  raw?: string;
  /** Only this many bytes of the body are sent, then the connection is dropped. */
  cutAfter?: number;
}

type Json = Record<string, unknown>;

/** The parts of a `googleAds:mutate` body the fake looks at. */
interface MutateBody {
  validateOnly?: boolean;
  mutateOperations?: {
    campaignBudgetOperation?: { create?: { resourceName?: string; amountMicros?: string } };
    campaignOperation?: {
      create?: { name?: string; campaignBudget?: string; containsEuPoliticalAdvertising?: string };
    };
  }[];
}

/** The OAuth client and tokens the fake expects (tests put the same values in GOOGLE_ADS_*). */
export const FAKE_GOOGLE_ADS_CREDENTIALS = {
  clientId: 'fake-client-id.apps.googleusercontent.com',
  clientSecret: 'fake-client-secret',
  refreshToken: '1//fake-refresh-token',
  developerToken: 'fake-developer-token',
  loginCustomerId: '1112223333',
};

/** The GOOGLE_ADS_* settings that make a client talk to the fake with its credentials. */
export const FAKE_GOOGLE_ADS_SECRETS = {
  GOOGLE_ADS_CLIENT_ID: FAKE_GOOGLE_ADS_CREDENTIALS.clientId,
  GOOGLE_ADS_CLIENT_SECRET: FAKE_GOOGLE_ADS_CREDENTIALS.clientSecret,
  GOOGLE_ADS_REFRESH_TOKEN: FAKE_GOOGLE_ADS_CREDENTIALS.refreshToken,
};

/** The broker's source for the fake's token endpoint, reading the GOOGLE_ADS_* secrets as the provider does. */
export const fakeGoogleAdsTokenSource = (tokenUrl: string): RefreshTokenSource =>
  new RefreshTokenSource({
    provider: 'ads',
    tokenUrl,
    clientIdEnv: 'GOOGLE_ADS_CLIENT_ID',
    clientSecretEnv: 'GOOGLE_ADS_CLIENT_SECRET',
    refreshTokenEnv: 'GOOGLE_ADS_REFRESH_TOKEN',
  });

/** A campaign plan for client tests: a SEARCH campaign on the fake's account, named uniquely. */
export const makeCampaignPlan = (overrides: Partial<CampaignPlan> = {}): CampaignPlan => ({
  customerId: '1234567890',
  name: `LaunchX ${Math.random()}`,
  amountMicros: 1_200_000_000,
  startDate: '2025-10-10',
  channel: 'SEARCH',
  euPolitical: false,
  validateOnly: false,
  ...overrides,
});

const googleError = (status: number, code: string, message: string, errors: Json[] = []): FakeReply => ({
  status,
  body: {
    error: {
      code: status,
      message,
      status: code,
      details: errors.length
        ? [
            {
              '@type': 'type.googleapis.com/google.ads.googleads.v24.errors.GoogleAdsFailure',
              errors,
              requestId: 'fake-req-1',
            },
          ]
        : [],
    },
  },
});

const campaignField = (fieldName: string) => ({
  fieldPathElements: [
    { fieldName: 'mutate_operations', index: 1 },
    { fieldName: 'campaign_operation' },
    { fieldName: 'create' },
    { fieldName },
  ],
});

/**
 * A local stand-in for Google's OAuth token endpoint (`POST /token`, refresh-token grant) and the Google Ads
 * REST `googleAds:mutate` method, with the same contract: Bearer access token, `developer-token` and
 * `login-customer-id` headers, temporary resource names, `validateOnly`, and Google's error body
 * (`error.status` + GoogleAdsFailure details). `script` injects answers (429, 5xx, answers cut off…);
 * `revokeTokens` makes Google refuse the access tokens issued so far; `holdTokens` leaves token requests
 * unanswered until `answerTokens`. For tests only.
 */
export class FakeGoogleAds {
  readonly requests: FakeGoogleAdsRequest[] = [];
  readonly campaigns: Json[] = [];
  private readonly issued = new Set<string>();
  /** Scripted mutate answers; `hang` is never answered (`closedByClient` counts the ones given up on). */
  private readonly scripted: Array<FakeReply | 'hang'> = [];
  /** Hung requests whose connection the client closed. */
  closedByClient = 0;
  private server?: Server;
  private nextId = 100;
  private tokensIssued = 0;
  /** Token requests held unanswered (`holdTokens`), answered by `answerTokens`; undefined: none held. */
  private heldTokens?: (() => void)[];

  /** Starts on a random port; `baseUrl` is GOOGLE_ADS_BASE_URL, `tokenUrl` is GOOGLE_ADS_TOKEN_URL. */
  async start(): Promise<{ baseUrl: string; tokenUrl: string }> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    const root = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return { baseUrl: root, tokenUrl: `${root}/token` };
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  /** The next mutate requests get these answers, in order (token requests are never scripted). */
  script(...answers: Array<FakeReply | 'hang'>): void {
    this.scripted.push(...answers);
  }

  /** The token endpoint stalls: token requests get no answer until `answerTokens`. */
  holdTokens(): void {
    this.heldTokens ??= [];
  }

  /** Answers the held token requests (those still connected) and stops holding new ones. */
  answerTokens(): void {
    const held = this.heldTokens ?? [];
    this.heldTokens = undefined;
    for (const answer of held) answer();
  }

  /** Google stops accepting every access token issued so far (revoked, or expired early). */
  revokeTokens(): void {
    this.issued.clear();
  }

  mutateRequests(): FakeGoogleAdsRequest[] {
    return this.requests.filter((request) => request.path.endsWith('/googleAds:mutate'));
  }

  tokenRequests(): FakeGoogleAdsRequest[] {
    return this.requests.filter((request) => request.path === '/token');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const form = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded');
    const body: unknown = form ? Object.fromEntries(new URLSearchParams(text)) : text ? JSON.parse(text) : {};
    this.requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    if (path === '/token' && this.heldTokens) {
      const grant = body as Record<string, string>;
      this.heldTokens.push(() => {
        if (!res.destroyed) this.send(res, this.token(grant));
      });
      return;
    }
    const reply =
      path === '/token'
        ? this.token(body as Record<string, string>)
        : (this.scripted.shift() ?? this.mutate(path, req.headers, body as MutateBody));
    if (reply === 'hang') return void res.on('close', () => (this.closedByClient += 1));
    this.send(res, reply);
  }

  private send(res: ServerResponse, reply: FakeReply): void {
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    const sent = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    if (reply.cutAfter === undefined) return void res.end(sent);
    res.write(sent.slice(0, reply.cutAfter), () => res.destroy());
  }

  private token(form: Record<string, string>): FakeReply {
    const expected = FAKE_GOOGLE_ADS_CREDENTIALS;
    if (
      form.grant_type !== 'refresh_token' ||
      form.client_id !== expected.clientId ||
      form.client_secret !== expected.clientSecret ||
      form.refresh_token !== expected.refreshToken
    ) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request' } };
    }
    this.tokensIssued += 1;
    const accessToken = `ya29.fake-access-${this.tokensIssued}`;
    this.issued.add(accessToken);
    return {
      status: 200,
      body: {
        access_token: accessToken,
        expires_in: 3599,
        scope: 'https://www.googleapis.com/auth/adwords',
        token_type: 'Bearer',
      },
    };
  }

  private mutate(path: string, headers: IncomingHttpHeaders, body: MutateBody): FakeReply {
    const match = path.match(/^\/v\d+\/customers\/(\d{10})\/googleAds:mutate$/);
    if (!match) return googleError(404, 'NOT_FOUND', 'Method not found.');
    const bearer = headers.authorization?.replace(/^Bearer /, '') ?? '';
    if (!this.issued.has(bearer)) {
      return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    }
    if (headers['developer-token'] !== FAKE_GOOGLE_ADS_CREDENTIALS.developerToken) {
      return googleError(401, 'UNAUTHENTICATED', 'The developer token is not valid.', [
        {
          errorCode: { authenticationError: 'DEVELOPER_TOKEN_INVALID' },
          message: 'The developer token is not valid.',
        },
      ]);
    }
    if (headers['login-customer-id'] !== FAKE_GOOGLE_ADS_CREDENTIALS.loginCustomerId) {
      return googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission', [
        {
          errorCode: { authorizationError: 'USER_PERMISSION_DENIED' },
          message: "User doesn't have permission to access customer.",
        },
      ]);
    }
    const [budgetOp, campaignOp] = body.mutateOperations ?? [];
    const budget = budgetOp?.campaignBudgetOperation?.create;
    const campaign = campaignOp?.campaignOperation?.create;
    if (!budget || !campaign || campaign.campaignBudget !== budget.resourceName) {
      return googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
        { errorCode: { mutateError: 'RESOURCE_NOT_FOUND' }, message: 'Resource was not found.' },
      ]);
    }
    if (!campaign.containsEuPoliticalAdvertising) {
      return googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
        {
          errorCode: { fieldError: 'REQUIRED' },
          message: 'The required field was not present.',
          location: campaignField('contains_eu_political_advertising'),
        },
      ]);
    }
    if (this.campaigns.some((existing) => existing.name === campaign.name)) {
      return googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
        {
          errorCode: { campaignError: 'DUPLICATE_CAMPAIGN_NAME' },
          message: 'A campaign with this name already exists.',
          location: campaignField('name'),
        },
      ]);
    }
    if (body.validateOnly === true) return { status: 200, body: {} };
    const id = this.nextId++;
    this.campaigns.push({ ...campaign, id, budget });
    return {
      status: 200,
      body: {
        mutateOperationResponses: [
          { campaignBudgetResult: { resourceName: `customers/${match[1]}/campaignBudgets/${id}` } },
          { campaignResult: { resourceName: `customers/${match[1]}/campaigns/${id}` } },
        ],
      },
    };
  }
}
