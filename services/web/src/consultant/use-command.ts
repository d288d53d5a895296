/**
 * One command from a form: sends it, keeps the API's problem for the form to show, and refreshes
 * the reads it changes, so the page shows what its user just did.
 */
import { useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { post, type CommandAnswer } from '../api.js';

export const useCommand = (changes: ReadonlyArray<readonly unknown[]>) => {
  const client = useQueryClient();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  /** The answer, or undefined when the command failed (its problem is in `error`). */
  const run = async (path: string, body: object = {}): Promise<CommandAnswer | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await post(path, body);
      await Promise.all(changes.map((queryKey) => client.invalidateQueries({ queryKey })));
      return answer;
    } catch (failure) {
      setError(failure);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
};
