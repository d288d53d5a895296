export * from './port.js';
export * from './claims.js';
export { createTokenVerifier, type OidcOptions, type VerifierOptions } from './jose-verifier.js';
