import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { Icon } from './Icon';
import { trapTab, useInertApp } from './focus';
import './fullWindow.css';

/**
 * A viewer over the whole window: a modal dialog (the app behind made inert, Tab kept inside,
 * focus returned on close) with a title bar, its tools and a close button. Escape closes it
 * unless a control inside used the key first (a find box clearing itself, say).
 */
export function FullWindow({
  title,
  onClose,
  tools,
  children,
  testId,
}: {
  title: string;
  onClose: () => void;
  tools?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useInertApp();
  useEffect(() => panel.current?.focus(), []);

  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault();
      event.stopPropagation();
      onCloseRef.current();
      return;
    }
    if (panel.current) trapTab(event, panel.current);
  };

  return createPortal(
    <div
      ref={panel}
      className="full-window"
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      data-testid={testId}
    >
      <header className="full-window-bar">
        <h2 id={titleId} className="full-window-title" title={title}>
          {title}
        </h2>
        <div className="full-window-tools">{tools}</div>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close the viewer">
          <Icon name="close" />
        </button>
      </header>
      <div className="full-window-body">{children}</div>
    </div>,
    document.getElementById('overlay-root') ?? document.body,
  );
}
