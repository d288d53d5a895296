/** A thread for the tests of `OneAtATimeThread`: answers with what it was sent, fails or dies on request. */
import { threadId } from 'node:worker_threads';
import { answerRequests } from '../../infra/threads/one-at-a-time.js';

export type EchoRequest = { kind: 'echo'; text: string } | { kind: 'fail' } | { kind: 'die' } | { kind: 'close' };

answerRequests((request: EchoRequest): { text: string; thread: number } | undefined => {
  if (request.kind === 'fail') throw new Error('the thread could not');
  if (request.kind === 'die') process.exit(3);
  if (request.kind === 'close') return undefined;
  return { text: request.text, thread: threadId };
});
