import type { SelectHTMLAttributes } from 'react';
import {
  RECORD_CATEGORIES,
  RECORD_CATEGORY_LABELS,
  RECORD_TYPES_BY_CATEGORY,
  type DesignatedRecordSetType,
} from '../../shared/recordSet';
import { recordTypeLabel } from '../lib/format';

/** A <select> of the record types, grouped by category. */
export function RecordTypeSelect({
  value,
  onChange,
  anyLabel,
  ...rest
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'> & {
  value: DesignatedRecordSetType | '';
  onChange: (type: DesignatedRecordSetType | '') => void;
  /** When set, an extra first option for "any type". */
  anyLabel?: string;
}) {
  return (
    <select
      {...rest}
      className={`select${rest.className ? ` ${rest.className}` : ''}`}
      value={value}
      onChange={(event) => onChange(event.target.value as DesignatedRecordSetType | '')}
    >
      {anyLabel !== undefined && <option value="">{anyLabel}</option>}
      {RECORD_CATEGORIES.map((category) => (
        <optgroup key={category} label={RECORD_CATEGORY_LABELS[category]}>
          {RECORD_TYPES_BY_CATEGORY[category].map((type) => (
            <option key={type} value={type}>
              {recordTypeLabel(type)}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}
