import { useEffect } from 'react';

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

/** The elements Tab can reach inside `container`, in order. */
export function focusableIn(container: HTMLElement): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (element) => !element.closest('[inert]') && element.getClientRects().length > 0,
  );
}

/** Keeps Tab and Shift+Tab inside `container` (call from its keydown handler). */
export function trapTab(event: KeyboardEvent | React.KeyboardEvent, container: HTMLElement): void {
  if (event.key !== 'Tab') return;
  // React bubbles a portaled dialog's keys through its parent surface: that dialog keeps its own.
  if (event.target instanceof Node && !container.contains(event.target)) return;
  const items = focusableIn(container);
  if (items.length === 0) {
    event.preventDefault();
    container.focus();
    return;
  }
  const first = items[0]!;
  const last = items[items.length - 1]!;
  const active = document.activeElement;
  if (event.shiftKey && (active === first || !container.contains(active))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !container.contains(active))) {
    event.preventDefault();
    first.focus();
  }
}

/** Modal surfaces open now: a dialog over a whole-window viewer must not wake the app when it closes. */
let openSurfaces = 0;

/**
 * While a modal surface (a dialog, a whole-window viewer) is open: the app behind it is inert, and
 * focus goes back where it was when it closes.
 */
export function useInertApp(): void {
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const app = document.getElementById('root');
    openSurfaces++;
    app?.setAttribute('inert', '');
    return () => {
      openSurfaces--;
      if (openSurfaces === 0) app?.removeAttribute('inert');
      if (previous && document.contains(previous)) previous.focus();
    };
  }, []); // only on open and close
}
