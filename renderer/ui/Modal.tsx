import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import { Icon } from './Icon';
import { focusableIn, trapTab, useInertApp } from './focus';
import './modal.css';

interface ModalProps {
  title: string;
  /** Escape and the close button call it; omit it to make the dialog stay. */
  onClose?: () => void;
  children: ReactNode;
  footer?: ReactNode;
  size?: 'small' | 'medium' | 'large';
  /** What gets focus when the dialog opens (the first focusable element otherwise). */
  initialFocus?: RefObject<HTMLElement | null>;
  description?: string;
  testId?: string;
  /** When a dialog changes step (new content), focus moves to the new content. */
  step?: string;
}

/**
 * A modal dialog: role="dialog", focus moved in and kept in (Tab wraps), the page behind made
 * inert, Escape closes it, and focus returns where it was when it closes.
 */
export function Modal({
  title,
  onClose,
  children,
  footer,
  size = 'medium',
  initialFocus,
  description,
  testId,
  step,
}: ModalProps) {
  const titleId = useId();
  const descriptionId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useInertApp();

  useEffect(() => {
    const root = panel.current;
    if (!root) return;
    // The first control of the content, else the footer's main (last) button, else anything.
    const within = (selector: string) => {
      const part = root.querySelector<HTMLElement>(selector);
      return part ? focusableIn(part) : [];
    };
    const target =
      initialFocus?.current ??
      within('.modal-body')[0] ??
      within('.modal-footer').at(-1) ??
      focusableIn(root)[0] ??
      root;
    target.focus();
  }, [step, initialFocus]);

  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape' && onCloseRef.current) {
      event.stopPropagation();
      event.preventDefault();
      onCloseRef.current();
      return;
    }
    if (panel.current) trapTab(event, panel.current);
  };

  return createPortal(
    <div className="modal-backdrop">
      <div
        ref={panel}
        className={`modal modal-${size}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-testid={testId}
      >
        <header className="modal-header">
          <h2 id={titleId}>{title}</h2>
          {onClose && (
            <button type="button" className="icon-button" onClick={onClose} aria-label="Close">
              <Icon name="close" />
            </button>
          )}
        </header>
        {description && (
          <p id={descriptionId} className="modal-description">
            {description}
          </p>
        )}
        <div className="modal-body">{children}</div>
        {footer && <footer className="modal-footer">{footer}</footer>}
      </div>
    </div>,
    document.getElementById('overlay-root') ?? document.body,
  );
}
