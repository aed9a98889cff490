import { useCallback, useEffect, useRef, useState } from 'react';
import type { DisclosureRecord } from '../../../shared/packets';
import { useApi, useApiEvent } from '../../api';

export interface DisclosuresState {
  /** Null until the first list arrives. */
  records: DisclosureRecord[] | null;
  error: string | null;
  loading: boolean;
}

/** The disclosure log, newest first; read again when a packet is finished while it is shown. */
export function useDisclosures(): DisclosuresState & { reload: () => void } {
  const api = useApi();
  const [state, setState] = useState<DisclosuresState>({ records: null, error: null, loading: true });
  const request = useRef(0);

  const reload = useCallback(() => {
    const id = ++request.current;
    setState((current) => ({ ...current, loading: true }));
    void api.listDisclosures().then((result) => {
      if (id !== request.current) return;
      setState((current) =>
        result.ok
          ? { records: result.value, error: null, loading: false }
          : { records: current.records, error: result.error.message, loading: false },
      );
    });
  }, [api]);

  useEffect(() => {
    reload();
    return () => {
      // A list that arrives after the view has closed is dropped.
      request.current += 1;
    };
  }, [reload]);

  useApiEvent('packet-finished', reload);

  return { ...state, reload };
}
