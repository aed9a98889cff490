import type { Dispatch, SetStateAction } from 'react';
import { Icon } from '../../ui/Icon';
import type { Viewport } from './useCornerstoneViewport';
import type { Tool } from './usePointerTools';
import { CT_PRESETS, KEY_IMAGES_NOTE } from './viewerModel';

const CINE_RATES = [5, 10, 15, 24, 30];
const TOOLS: { id: Tool; label: string }[] = [
  { id: 'window', label: 'Window/level' },
  { id: 'pan', label: 'Pan' },
  { id: 'zoom', label: 'Zoom' },
  { id: 'length', label: 'Length' },
];

/** The viewer's header: the study, the mouse tool, window presets, view changes, cine, key image, tags, close. */
export function DicomToolbar(props: {
  title: string;
  tool: Tool;
  onTool: (tool: Tool) => void;
  fileVoi: { width: number; center: number } | null;
  setWindow: (width: number, center: number) => void;
  zoomBy: (factor: number) => void;
  fit: () => void;
  reset: () => void;
  updateViewport: (change: (viewport: Viewport) => void) => void;
  images: number;
  playing: boolean;
  setPlaying: Dispatch<SetStateAction<boolean>>;
  fps: number;
  onFps: (fps: number) => void;
  shownIsKey: boolean;
  canMark: boolean;
  toggleKeyImage: () => void;
  showTags: boolean;
  setShowTags: Dispatch<SetStateAction<boolean>>;
  onClose: () => void;
}) {
  const { updateViewport } = props;
  return (
    <header className="dicom-toolbar">
      <h2 className="dicom-title">{props.title}</h2>
      <div className="dicom-tools" role="group" aria-label="Mouse tool">
        {TOOLS.map((entry) => (
          <button
            key={entry.id}
            type="button"
            className={props.tool === entry.id ? 'active' : ''}
            aria-pressed={props.tool === entry.id}
            onClick={() => props.onTool(entry.id)}
          >
            {entry.label}
          </button>
        ))}
      </div>
      <label className="dicom-select">
        Window
        <select
          aria-label="Window preset"
          value=""
          onChange={(event) => {
            const value = event.target.value;
            if (value === 'file' && props.fileVoi) props.setWindow(props.fileVoi.width, props.fileVoi.center);
            const preset = CT_PRESETS.find((entry) => entry.id === value);
            if (preset) props.setWindow(preset.width, preset.center);
          }}
        >
          <option value="" disabled>
            Preset…
          </option>
          <option value="file">File&apos;s own</option>
          {CT_PRESETS.map((preset) => (
            <option key={preset.id} value={preset.id}>
              {preset.label} (W{preset.width} L{preset.center})
            </option>
          ))}
        </select>
      </label>
      <div className="dicom-tools" role="group" aria-label="View">
        <button type="button" onClick={() => props.zoomBy(1.25)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => props.zoomBy(0.8)} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={props.fit}>
          Fit
        </button>
        <button type="button" onClick={props.reset}>
          Reset
        </button>
        <button type="button" onClick={() => updateViewport((viewport) => void (viewport.invert = !viewport.invert))}>
          Invert
        </button>
        <button
          type="button"
          onClick={() => updateViewport((viewport) => void (viewport.rotation = (viewport.rotation + 90) % 360))}
        >
          Rotate
        </button>
        <button type="button" onClick={() => updateViewport((viewport) => void (viewport.hflip = !viewport.hflip))}>
          Flip H
        </button>
        <button type="button" onClick={() => updateViewport((viewport) => void (viewport.vflip = !viewport.vflip))}>
          Flip V
        </button>
      </div>
      <div className="dicom-tools" role="group" aria-label="Cine">
        <button
          type="button"
          disabled={props.images < 2}
          aria-pressed={props.playing}
          onClick={() => props.setPlaying((value) => !value)}
        >
          {props.playing ? 'Pause' : 'Play'}
        </button>
        <select
          aria-label="Frames per second"
          value={props.fps}
          onChange={(event) => props.onFps(Number(event.target.value))}
        >
          {CINE_RATES.map((rate) => (
            <option key={rate} value={rate}>
              {rate} fps
            </option>
          ))}
        </select>
      </div>
      <button
        type="button"
        className="dicom-key-toggle"
        aria-label="Mark as key image"
        aria-pressed={props.shownIsKey}
        aria-keyshortcuts="K"
        title={`Mark as key image (K). ${KEY_IMAGES_NOTE}`}
        // Not `disabled`: a button that is disabled while focused (a save, a slice without pixels) drops the focus.
        aria-disabled={!props.canMark}
        onClick={props.toggleKeyImage}
        data-testid="key-image-toggle"
      >
        <Icon name="star" className={props.shownIsKey ? 'filled' : undefined} /> Key image
      </button>
      <button type="button" aria-pressed={props.showTags} onClick={() => props.setShowTags((value) => !value)}>
        Tags
      </button>
      <button type="button" className="icon-button" onClick={props.onClose} aria-label="Close viewer">
        <Icon name="close" />
      </button>
    </header>
  );
}
