/**
 * One plugin per resource registers its routes, commands and queries (services/http/app.ts composes
 * them); what they share is handed to each.
 */
import type { FastifyInstance } from 'fastify';
import type { CommandRouteDeps } from '../command-routes.js';
import type { QueryRouteDeps } from '../query-routes.js';

export type ResourceDeps = { commands: CommandRouteDeps; queries: QueryRouteDeps };
export type ResourcePlugin = (app: FastifyInstance, deps: ResourceDeps) => void;
