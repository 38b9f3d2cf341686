import { DomainException, type InvocationDeadline } from '@toolgate/core';

import { CredentialUnavailableException } from './broker.exception';

/**
 * The failure of a token request shared by several calls (joined while in flight, or held for the failure
 * backoff), as one caller's own error object: a caller that marks it (`markBeforeUpstream`, the pipeline's
 * may-have-run mark) or changes it never affects another. Same class where the broker knows it, same
 * status, code and texts, with the shared error as `cause`.
 */
export function ownErrorOf(error: unknown): unknown {
  if (error instanceof CredentialUnavailableException) {
    return new CredentialUnavailableException(error.provider, error.reason, error);
  }
  let copy: Error;
  if (error instanceof DomainException) {
    copy = new DomainException(error.code, error.status, error.title, {
      detail: error.detail,
      errors: error.errors?.map((violation) => ({ ...violation })),
      extensions: { ...error.extensions },
      headers: { ...error.headers },
      cause: error,
    });
  } else if (error instanceof Error) {
    copy = new Error(error.message, { cause: error });
  } else {
    return error; // not an object: nothing to mark or change
  }
  copy.name = error.name;
  return copy;
}

/** `ownErrorOf` as a rejection handler. */
export function rethrowOwnError(error: unknown): never {
  throw ownErrorOf(error);
}

/**
 * Waits for a shared token request until the deadline at most (then rejects with `timeout()`); the request
 * goes on for whoever else awaits it. A failure reaches this caller as its own error object.
 */
export function untilDeadline<T>(
  pending: Promise<T>,
  deadline: Pick<InvocationDeadline, 'onExpire'>,
  timeout: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = deadline.onExpire(() => reject(timeout()));
    pending.then(
      (value) => {
        stop();
        resolve(value);
      },
      (error: unknown) => {
        stop();
        reject(ownErrorOf(error));
      },
    );
  });
}
