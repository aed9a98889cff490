import { useState } from 'react';
import { Icon } from '../../ui/Icon';
import { ImageViewer } from './ImageViewer';

/** An image file in the document panel, and "Open" to see it whole-window with zoom. */
export function ImagePreview({ url, title }: { url: string; title: string }) {
  const [failed, setFailed] = useState(false);
  const [viewing, setViewing] = useState(false);
  if (failed) return <p className="preview-message">This image cannot be shown.</p>;
  return (
    <>
      <div className="image-preview">
        <img src={url} alt={title} onError={() => setFailed(true)} />
      </div>
      <div className="pdf-nav">
        <button type="button" className="button small" onClick={() => setViewing(true)}>
          <Icon name="expand" /> Open
        </button>
      </div>
      {viewing && <ImageViewer url={url} title={title} onClose={() => setViewing(false)} />}
    </>
  );
}
