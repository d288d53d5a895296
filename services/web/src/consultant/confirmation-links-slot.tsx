/**
 * The place of the confirmation-links panel on the interview record (issuing, listing and revoking
 * an interviewee's confirmation links), rendered inside `<section id="confirmation-links">`. The
 * panel is built with the interviewee's pages: render it here; until then the slot stays empty.
 */
import type { Interview } from './documents.js';

export const ConfirmationLinksSlot = (_props: { interview: Interview }) => null;
