/**
 * Polls `check` every `stepMs` until it holds or `timeoutMs` passed, for effects a test cannot await
 * (a signal handler's reload, a peer noticing a closed socket). Returns whether it held: the test's own
 * assertion then says what was expected.
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  stepMs = 10,
): Promise<boolean> {
  for (const until = Date.now() + timeoutMs; ;) {
    if (await check()) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
