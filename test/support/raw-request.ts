import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';

/** Header name → value; an array sends the header once per item. */
export type HeaderLines = Record<string, string | string[]>;

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): Record<string, unknown>;
}

/**
 * One HTTP request with exactly the given header lines (an array value sends the header several times,
 * which `fetch` cannot do).
 */
export function rawRequest(
  baseUrl: string,
  path: string,
  headers: HeaderLines = {},
  method = 'GET',
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      new URL(path, baseUrl),
      { method, headers: headers as OutgoingHttpHeaders },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: text,
            json: () => JSON.parse(text) as Record<string, unknown>,
          });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
