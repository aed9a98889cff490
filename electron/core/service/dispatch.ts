import type { ApiArgs, ApiMethod, ApiResult, ApiValue } from '../../../shared/api';
import { checkApiArgs, isApiMethod } from '../../../shared/apiSchema';
import { toApiError, type ServiceMethods } from './MedvaultService';

/**
 * Every call from the UI, whatever the transport, comes through here: the method name is checked
 * against the contract, the arguments against its schema, and any failure becomes an ApiError
 * with a sentence for the patient (never a stack trace).
 */
export async function dispatch(
  service: ServiceMethods & { touch?(): void },
  method: string,
  rawArgs: unknown,
): Promise<ApiResult<unknown>> {
  if (!isApiMethod(method)) {
    return { ok: false, error: { code: 'invalid-argument', message: `There is no method "${method.slice(0, 40)}".` } };
  }
  return call(service, method, rawArgs);
}

async function call<Method extends ApiMethod>(
  service: ServiceMethods & { touch?(): void },
  method: Method,
  rawArgs: unknown,
): Promise<ApiResult<ApiValue<Method>>> {
  const checked = checkApiArgs(method, rawArgs);
  if (!checked.ok) return { ok: false, error: { code: 'invalid-argument', message: checked.message } };
  if (method !== 'getStatus') service.touch?.();
  try {
    const implementation = service[method] as (...args: ApiArgs<Method>) => Promise<ApiValue<Method>>;
    const value = await implementation.apply(service, checked.args);
    return { ok: true, value: (value ?? null) as ApiValue<Method> };
  } catch (error) {
    return { ok: false, error: toApiError(error) };
  }
}
