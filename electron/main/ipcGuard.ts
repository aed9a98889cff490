/**
 * Who may call the main process over IPC: only the top frame of the app's own page, only on a
 * `medvault:` channel. Pure (no `electron` import) so the rule is unit-tested as is.
 */
import { API_CHANNEL_PREFIX, type ApiResult } from '../../shared/api';
import { isAppUrl } from './appOrigin';

/** The parts of Electron's `WebFrameMain` the check reads. */
export interface IpcSenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

export type IpcSenderCheck = { ok: true } | { ok: false; reason: string };

export function checkIpcSender(channel: string, senderFrame: IpcSenderFrame | null | undefined): IpcSenderCheck {
  if (!channel.startsWith(API_CHANNEL_PREFIX))
    return { ok: false, reason: `channel ${channel} is not a Medvault channel` };
  if (!senderFrame) return { ok: false, reason: 'the sending frame is gone' };
  if (senderFrame.parent !== null) return { ok: false, reason: 'the sender is a subframe' };
  if (!isAppUrl(senderFrame.url)) return { ok: false, reason: 'the sender is not the Medvault page' };
  return { ok: true };
}

/** What a refused call resolves to (the UI shows `message` like any other error). */
export const REFUSED: ApiResult<never> = { ok: false, error: { code: 'internal', message: 'Refused.' } };
