import type { DataSet } from 'dicom-parser';
import { useEffect, useMemo, useState } from 'react';
import { documentFileUrl } from '../../../shared/api';
import { tagRows } from './tags';
import type { StackEntry } from './viewerModel';

/**
 * The current instance's data set as a table. An image's data set comes with its decoded image;
 * an instance without one (a report, a file that failed to decode) is read on its own.
 */
export function TagPanel({
  documentId,
  entry,
  dataSet,
}: {
  documentId: string;
  entry: StackEntry | null;
  dataSet: DataSet | null;
}) {
  const [fetched, setFetched] = useState<{ position: number; dataSet: DataSet | null; error?: string } | null>(null);
  const position = entry?.position ?? null;

  useEffect(() => {
    if (dataSet || position === null) return;
    let current = true;
    void (async () => {
      try {
        const response = await fetch(documentFileUrl(documentId, position), { credentials: 'same-origin' });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const bytes = new Uint8Array(await response.arrayBuffer());
        const { default: dicomParser } = await import('dicom-parser');
        // Pixel data is never listed, so the parse stops before it.
        const parsed = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
        if (current) setFetched({ position, dataSet: parsed });
      } catch {
        if (current) setFetched({ position, dataSet: null, error: 'The tags of this instance could not be read.' });
      }
    })();
    return () => {
      current = false;
    };
  }, [dataSet, documentId, position]);

  const shown = dataSet ?? (fetched?.position === position ? fetched.dataSet : null);
  const rows = useMemo(() => (shown ? tagRows(shown) : []), [shown]);
  const error = !dataSet && fetched?.position === position ? fetched.error : undefined;

  return (
    <aside className="dicom-tags" aria-label="Tags of this instance" data-testid="tag-panel">
      {error && <p>{error}</p>}
      {!shown && !error && <p>Reading…</p>}
      {shown && (
        <table>
          <thead>
            <tr>
              <th>Tag</th>
              <th>Name</th>
              <th>VR</th>
              <th>Value</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={index}>
                <td className="mono">{row.tag}</td>
                <td style={{ paddingLeft: `${6 + row.depth * 12}px` }}>{row.name}</td>
                <td className="mono">{row.vr}</td>
                <td>{row.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </aside>
  );
}
