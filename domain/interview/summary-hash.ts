import { createHash } from 'node:crypto';

/**
 * The SHA-256 of a summary's canonical content: its text (Unicode NFC, line endings as LF) and the
 * set of finding ids it cites (sorted). Equal content gives an equal hash however it was typed or
 * ordered; any change of wording or of the cited findings gives another. The interviewee confirms
 * a version and may echo this hash, which makes the confirmation provable afterwards.
 */
export const summaryHash = (text: string, findingIds: readonly string[]): string => {
  const canonical = JSON.stringify({
    findingIds: [...new Set(findingIds)].sort(),
    text: text.normalize('NFC').replace(/\r\n?/g, '\n'),
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
};
