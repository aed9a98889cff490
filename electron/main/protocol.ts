import { protocol } from 'electron';
import { APP_SCHEME } from './appOrigin';
import { createAppRequestHandler, type AppRequestHandlerOptions } from './appProtocol';

/**
 * Must run before the app is ready. `standard` + `secure` give the page a real origin
 * (`medvault://app`) with secure-context APIs; `stream` lets media and pdf.js read ranges;
 * `corsEnabled: false` keeps other origins from reading it.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: false },
    },
  ]);
}

export function handleAppProtocol(options: AppRequestHandlerOptions): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(options));
}
