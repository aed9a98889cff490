import type { ImportProgress } from '../../../shared/imports';
import { formatMegabytes } from '../../lib/format';
import { Spinner } from '../../ui/Spinner';
import { formatTimeLeft } from './timeLeft';

export function ImportProgressView({
  progress,
  secondsLeft,
}: {
  progress: ImportProgress | null;
  secondsLeft: number | null;
}) {
  if (!progress) {
    return (
      <div className="import-progress" data-testid="import-progress">
        <Spinner label="Looking for files…" />
      </div>
    );
  }
  const { filesDone, filesTotal, bytesDone, bytesTotal, currentPath } = progress;
  const finishing = bytesTotal > 0 && bytesDone >= bytesTotal;
  return (
    <div className="import-progress" data-testid="import-progress">
      <div className="progress-headline">
        <span className="progress-files">
          {filesDone.toLocaleString()} of {filesTotal.toLocaleString()} files
        </span>
        <span className="progress-time">{finishing ? 'Finishing…' : formatTimeLeft(secondsLeft)}</span>
      </div>
      <progress
        max={bytesTotal || filesTotal || 1}
        value={bytesTotal ? bytesDone : filesDone}
        aria-label="Import progress"
        aria-valuetext={`${filesDone} of ${filesTotal} files`}
      />
      <p className="progress-meta">
        {formatMegabytes(bytesDone)} of {formatMegabytes(bytesTotal)}
      </p>
      {currentPath && (
        <p className="progress-current" title={currentPath}>
          Reading <span>{currentPath}</span>
        </p>
      )}
    </div>
  );
}
