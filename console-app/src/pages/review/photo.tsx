import Panzoom, { type PanzoomObject } from '@panzoom/panzoom';
import { useEffect, useRef, useState } from 'preact/hooks';
import { createTranslator } from '../../i18n';
import { messages } from './messages';
import { loadPhoto } from './review-api';

const t = createTranslator(messages);

export type PhotoControls = {
  zoomIn: () => void;
  zoomOut: () => void;
  rotate: () => void;
  reset: () => void;
};

/**
 * A photo the reviewer can zoom (wheel, buttons, + / −), pan (drag) and rotate (button, O) — the bytes
 * come through a request that names the brand.
 */
export function Photo({
  url,
  alt,
  controlsRef,
  compact = false,
}: {
  url: string | null;
  alt: string;
  controlsRef?: { current: PhotoControls | null };
  compact?: boolean;
}) {
  const [src, setSrc] = useState<string>();
  const [failed, setFailed] = useState(false);
  const [rotation, setRotation] = useState(0);
  const stage = useRef<HTMLDivElement>(null);
  const zoomer = useRef<PanzoomObject | null>(null);

  useEffect(() => {
    setSrc(undefined);
    setFailed(false);
    setRotation(0);
    if (!url) return;
    const controller = new AbortController();
    let objectUrl: string | undefined;
    loadPhoto(url, controller.signal)
      .then((loaded) => {
        objectUrl = loaded;
        setSrc(loaded);
      })
      .catch((error: Error) => {
        if (error.name !== 'AbortError') setFailed(true);
      });
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url]);

  useEffect(() => {
    const element = stage.current;
    if (!element || !src || compact) return;
    const panzoom = Panzoom(element, { maxScale: 6, minScale: 0.5, step: 0.3 });
    zoomer.current = panzoom;
    const parent = element.parentElement;
    const onWheel = (event: WheelEvent) => panzoom.zoomWithWheel(event);
    parent?.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      parent?.removeEventListener('wheel', onWheel);
      panzoom.destroy();
      zoomer.current = null;
    };
  }, [src, compact]);

  const controls: PhotoControls = {
    zoomIn: () => zoomer.current?.zoomIn(),
    zoomOut: () => zoomer.current?.zoomOut(),
    rotate: () => setRotation((value) => (value + 90) % 360),
    reset: () => {
      zoomer.current?.reset();
      setRotation(0);
    },
  };
  if (controlsRef) controlsRef.current = controls;

  if (!url) return <div class="photo photo-missing">{t('photo.erased')}</div>;
  if (failed) return <div class="photo photo-missing">{t('photo.loadFailed')}</div>;
  return (
    <div class={compact ? 'photo photo-compact' : 'photo'}>
      {compact ? null : (
        <div class="photo-tools" role="toolbar" aria-label={t('photo.label')}>
          <button type="button" class="ghost" onClick={controls.zoomIn} title={`${t('photo.zoomIn')} (+)`}>
            +
          </button>
          <button type="button" class="ghost" onClick={controls.zoomOut} title={`${t('photo.zoomOut')} (−)`}>
            −
          </button>
          <button type="button" class="ghost" onClick={controls.rotate} title={`${t('photo.rotate')} (O)`}>
            ⟳
          </button>
          <button type="button" class="ghost" onClick={controls.reset}>
            {t('photo.reset')}
          </button>
        </div>
      )}
      <div class="photo-frame">
        <div ref={stage} class="photo-stage">
          {src ? <img src={src} alt={alt} style={{ transform: `rotate(${rotation}deg)` }} /> : null}
        </div>
      </div>
    </div>
  );
}
