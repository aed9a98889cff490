import { useCallback, useRef, useState } from 'react';
import type { ApiError, PacketOutput, PacketResult } from '../../../shared/api';
import type { PacketProgress, PacketRequest } from '../../../shared/packets';
import { useApi, useApiEvent } from '../../api';

export type WriterState =
  | { phase: 'idle' }
  | { phase: 'starting' }
  | { phase: 'writing'; packetId: string; progress: PacketProgress | null; cancelling: boolean }
  | { phase: 'done'; result: PacketResult }
  | { phase: 'failed'; error: ApiError };

/** Writes a packet in the core and follows it by its events until it is written, fails or is cancelled. */
export function usePacketWriter() {
  const api = useApi();
  const [state, setState] = useState<WriterState>({ phase: 'idle' });
  const current = useRef<string | null>(null);
  /** Packets that ended before their id came back from startPacket (events and replies race). */
  const endedEarly = useRef(new Map<string, WriterState>());

  const ended = (packetId: string, outcome: WriterState) => {
    if (packetId !== current.current) {
      endedEarly.current.set(packetId, outcome);
      return;
    }
    current.current = null;
    setState(outcome);
  };

  useApiEvent('packet-progress', ({ packetId, progress }) => {
    if (packetId !== current.current) return;
    setState((state) => (state.phase === 'writing' ? { ...state, progress } : state));
  });
  useApiEvent('packet-finished', ({ packetId, result }) => ended(packetId, { phase: 'done', result }));
  useApiEvent('packet-failed', ({ packetId, error }) => ended(packetId, { phase: 'failed', error }));

  const start = useCallback(
    async (request: PacketRequest, output: PacketOutput) => {
      setState({ phase: 'starting' });
      const result = await api.startPacket({ request, output });
      if (!result.ok) {
        setState({ phase: 'failed', error: result.error });
        return;
      }
      const { packetId } = result.value;
      const early = endedEarly.current.get(packetId);
      endedEarly.current.clear();
      if (early) {
        setState(early);
        return;
      }
      current.current = packetId;
      setState({ phase: 'writing', packetId, progress: null, cancelling: false });
    },
    [api],
  );

  const cancel = useCallback(() => {
    setState((state) => {
      if (state.phase !== 'writing') return state;
      void api.cancelPacket({ packetId: state.packetId });
      return { ...state, cancelling: true };
    });
  }, [api]);

  const reset = useCallback(() => setState({ phase: 'idle' }), []);

  return { state, start, cancel, reset };
}
