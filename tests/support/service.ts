/** Driving a MedvaultService as the UI does: calls through `dispatch`, and waiting for its events. */
import type { ApiEvent } from '../../shared/api';
import type { MedvaultService } from '../../electron/core/service/MedvaultService';
import { dispatch } from '../../electron/core/service/dispatch';

/** Calls a method through the contract; a refusal throws with its code and sentence. */
export async function callService<T>(service: MedvaultService, method: string, ...args: unknown[]): Promise<T> {
  const result = await dispatch(service, method, args);
  if (!result.ok) throw new Error(`${method}: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** The first event (already seen, or to come within a minute) that matches. */
export async function untilEvent<T extends ApiEvent>(
  events: readonly ApiEvent[],
  match: (event: ApiEvent) => event is T,
): Promise<T> {
  for (let waited = 0; waited < 60_000; waited += 20) {
    const found = events.find(match);
    if (found) return found;
    await new Promise((done) => setTimeout(done, 20));
  }
  throw new Error('no such event');
}
