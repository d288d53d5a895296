/**
 * The entry point of the all-in-one process (`npm start`, the image's command): Node's compile cache
 * first, so that the modules of the process are loaded with it, then the process itself
 * (`all-in-one.ts`).
 */
import { enableCompileCache } from '../wiring/compile-cache.js';

enableCompileCache();
await import('./all-in-one.js');
