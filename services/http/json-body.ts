/**
 * JSON bodies are UTF-8 (RFC 8259 §8.1), and nothing else is read as JSON: a declared charset other
 * than UTF-8 is 415, and bytes that are not valid UTF-8 are 400 rather than silently becoming
 * U+FFFD in what is recorded forever. Parsing keeps fastify's protection against prototype
 * poisoning (`secure-json-parse`, which fastify's own parser uses).
 */
import { parse as parseContentType } from 'content-type';
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { problem, ProblemError } from './problem.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

const invalid = (message: string) => new ProblemError(problem('validation-failed', message, { errors: [{ in: 'body', path: '/', message }] }));

export const parseJsonBodiesStrictly = (app: FastifyInstance) => {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let charset: string | undefined;
    try {
      charset = parseContentType(request.headers['content-type'] ?? '').parameters['charset']?.toLowerCase();
    } catch {
      return done(new ProblemError(problem('unsupported-media-type', 'the Content-Type header cannot be parsed; send application/json')));
    }
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return done(new ProblemError(problem('unsupported-media-type', `send the body as UTF-8 JSON (application/json; charset=utf-8), not ${charset}`)));
    }
    let text: string;
    try {
      text = decoder.decode(body as Buffer);
    } catch {
      return done(invalid('the body is not valid UTF-8'));
    }
    if (text.trim() === '') return done(invalid('the body is empty; send a JSON object'));
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      done(invalid(`the body is not valid JSON: ${(error as Error).message}`));
    }
  });
};
