/**
 * Node's on-disk cache of compiled modules (Node ≥ 22.1; the images run Node 22): a start then reads
 * the code V8 compiled at an earlier start instead of compiling the service's modules again. The
 * cache lives in NODE_COMPILE_CACHE, else in the system's temporary directory; an entry whose module
 * changed is compiled again, so an upgrade cannot run stale code; NODE_DISABLE_COMPILE_CACHE=1 turns
 * it off. On Node 20 there is no such cache and a start compiles as before.
 *
 * Only modules loaded after this call are cached: an entry point enables it, then imports its role.
 */
import nodeModule from 'node:module';

type WithCompileCache = { enableCompileCache?: (directory?: string) => unknown };

export const enableCompileCache = (): void => {
  (nodeModule as WithCompileCache).enableCompileCache?.();
};
