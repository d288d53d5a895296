/** A labelled select of domain values, each shown in the reader's words (`common:<group>.<value>`). */
import { useT } from '../i18n.js';

export const Choice = ({
  label,
  value,
  values,
  group,
  any,
  onChange,
}: {
  label: string;
  value: string;
  values: readonly string[];
  group: string;
  /** The text of an empty first option meaning "no choice" (a filter's "all"). */
  any?: string;
  onChange: (value: string) => void;
}) => {
  const { t } = useT();
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {any !== undefined && <option value="">{any}</option>}
        {values.map((v) => (
          <option key={v} value={v}>
            {t(`${group}.${v}`)}
          </option>
        ))}
      </select>
    </label>
  );
};
