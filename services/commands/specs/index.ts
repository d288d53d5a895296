/** Every command the service handles, each with its spec (../spec.ts), gathered from the aggregates' specs. */
import type { CommandSpecs, CommandType } from '../spec.js';
import { BASELINE } from './baseline.js';
import { ENGAGEMENT } from './engagement.js';
import { INTERVIEW } from './interview.js';
import { REQUIREMENT } from './requirement.js';

export { BASELINE, ENGAGEMENT, INTERVIEW, REQUIREMENT };

export const COMMANDS: CommandSpecs<CommandType> = { ...ENGAGEMENT.commands, ...INTERVIEW.commands, ...REQUIREMENT.commands, ...BASELINE.commands };
