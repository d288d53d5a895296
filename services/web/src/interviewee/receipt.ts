/** Saves a receipt (JSON from the API) as a file the interviewee keeps. */
import { download } from '../api.js';

export const saveReceipt = async (path: string, filename: string) => {
  const blob = await download(path);
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};

/** "3f9a…c01e": enough of a hash to compare by eye. */
export const shortHash = (hash: string) => `${hash.slice(0, 4)}…${hash.slice(-4)}`;
