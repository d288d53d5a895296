/** Small conversions between form fields and the API's values. */

/** Non-empty trimmed lines of a text area (one person or item per line). */
export const lines = (text: string) =>
  text
    .split(/\n|,|，/)
    .map((line) => line.trim())
    .filter(Boolean);

/** An ISO instant as the value of a `datetime-local` input, in the browser's time zone. */
export const localInputValue = (iso: string | undefined) => {
  if (!iso) return '';
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
};

/** A `datetime-local` value (the browser's time zone) as an ISO instant; empty stays empty for the API to name. */
export const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : '');
