import { Icon } from './Icon';

/** An error sentence from the core, announced to screen readers. */
export function ErrorNote({ message, id }: { message: string | null; id?: string }) {
  if (!message) return null;
  return (
    <p className="error-note" role="alert" id={id}>
      <Icon name="alert" />
      <span>{message}</span>
    </p>
  );
}
