import { type InvocationContext } from '@toolgate/core';

import { type PipedriveCall, type PipedriveClient } from './pipedrive.client';

/** A Pipedrive record as the API returns it in `data` (deal, person), passed through unchanged. */
export type PipedriveRecord = Record<string, unknown>;

/** Deal fields of `POST /v1/deals` and `PUT /v1/deals/{id}` that the tools accept. */
export type DealFields = {
  title?: string;
  value?: number;
  currency?: string;
  user_id?: number;
  person_id?: number;
  org_id?: number;
  pipeline_id?: number;
  stage_id?: number;
  status?: 'open' | 'won' | 'lost';
  expected_close_date?: string;
  probability?: number;
  lost_reason?: string;
  visible_to?: '1' | '3' | '5' | '7';
};

/** One e-mail address or phone number of a person: a bare value, or Pipedrive's labelled form. */
export type ContactValue = string | { value: string; primary?: boolean; label?: string };

/** Person fields of `POST /v1/persons`. */
export type PersonFields = {
  name: string;
  owner_id?: number;
  org_id?: number;
  email?: ContactValue[];
  phone?: ContactValue[];
  visible_to?: '1' | '3' | '5' | '7';
  marketing_status?: 'no_consent' | 'unsubscribed' | 'subscribed' | 'archived';
};

/** What a tool needs from its provider: the client, and the per-call credential + deadline. */
export interface PipedriveToolDeps {
  client: PipedriveClient;
  /** Throws 503 naming the missing variables when the provider is not configured. */
  callFor(ctx: InvocationContext): PipedriveCall;
}
