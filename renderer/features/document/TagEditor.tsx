import { useId, useState, type KeyboardEvent } from 'react';
import { Icon } from '../../ui/Icon';
import { addTag, MAX_TAG, removeTag } from './documentDraft';

/** Tags as chips with a remove button, and an input that adds one on Enter or comma. */
export function TagEditor({
  tags,
  onChange,
  suggestions,
  disabled,
}: {
  tags: string[];
  onChange: (tags: string[]) => void;
  suggestions: string[];
  disabled?: boolean;
}) {
  const [input, setInput] = useState('');
  const inputId = useId();
  const listId = useId();

  const commit = () => {
    if (!input.trim()) return;
    onChange(addTag(tags, input));
    setInput('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' || event.key === ',') {
      event.preventDefault();
      commit();
    } else if (event.key === 'Backspace' && input === '' && tags.length > 0) {
      onChange(tags.slice(0, -1));
    }
  };

  return (
    <div className="field">
      <label htmlFor={inputId}>Tags</label>
      <div className="tag-editor">
        {tags.length > 0 && (
          <ul className="tag-chips" aria-label="Tags of this document">
            {tags.map((tag) => (
              <li key={tag} className="chip">
                <span>{tag}</span>
                <button
                  type="button"
                  className="chip-remove"
                  onClick={() => onChange(removeTag(tags, tag))}
                  aria-label={`Remove tag ${tag}`}
                  disabled={disabled}
                >
                  <Icon name="close" />
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="tag-add">
          <input
            id={inputId}
            className="input"
            value={input}
            onChange={(event) => setInput(event.target.value)}
            onKeyDown={onKeyDown}
            onBlur={commit}
            placeholder="Add a tag"
            list={listId}
            maxLength={MAX_TAG}
            disabled={disabled}
            autoComplete="off"
          />
          <button
            type="button"
            className="button small"
            onClick={commit}
            disabled={disabled || !input.trim()}
            aria-label="Add tag"
          >
            <Icon name="plus" /> Add
          </button>
        </div>
        <datalist id={listId}>
          {suggestions
            .filter((tag) => !tags.includes(tag))
            .map((tag) => (
              <option key={tag} value={tag} />
            ))}
        </datalist>
      </div>
    </div>
  );
}
