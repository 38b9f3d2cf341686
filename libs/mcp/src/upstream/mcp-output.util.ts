import {
  type JsonSchemaValidator,
  type jsonSchemaValidator,
} from '@modelcontextprotocol/sdk/validation/types.js';

/**
 * The SDK client's validator of tool results: accepts every result and compiles nothing. By default the
 * SDK compiles each listed tool's `outputSchema` with its own ajv (JavaScript regexes: an upstream's
 * `pattern` can backtrack for seconds; a schema that does not compile fails the whole `tools/list`) and
 * checks every `tools/call` result synchronously on the event loop. The gateway relies on no output
 * validation: manifests declare `{ "type": "object" }` outputs and a result is returned as the upstream
 * answered it. (The SDK still requires `structuredContent` from a tool that declares an `outputSchema`.)
 */
export const ACCEPT_ANY_OUTPUT: jsonSchemaValidator = {
  getValidator<T>(): JsonSchemaValidator<T> {
    return (input) => ({ valid: true, data: input as T, errorMessage: undefined });
  },
};
