/**
 * Downloads a report file (xlsx / CSV) with progress: the API client parses JSON only, so this fetches the
 * file itself with the session's token (refreshing it once on 401), reads the body as a stream to report the
 * bytes received, and saves the result through a temporary link. Errors come back as `ApiError` with the
 * server's message in the user's language.
 */
import { currentLanguage } from '../../i18n/index.ts';
import { api, ApiError } from '../../lib/api.ts';

export type DownloadProgress = { phase: 'preparing' } | { phase: 'receiving'; received: number; total: number | null };

async function fetchWithSession(url: string, signal: AbortSignal | undefined): Promise<Response> {
  const send = () => fetch(url, { headers: { Authorization: `Bearer ${api.getAccessToken() ?? ''}`, 'Accept-Language': currentLanguage() }, signal: signal ?? null });
  const first = await send();
  if (first.status !== 401) return first;
  await api.refreshSession();
  return send();
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  return new ApiError({ status: response.status, code: response.status === 403 ? 'FORBIDDEN' : 'INTERNAL', message: body?.error?.message ?? '' });
}

/** Fetches `url` and saves it under the server's file name (or `fallbackName`); resolves with the name used. */
export async function downloadFile(url: string, fallbackName: string, onProgress: (p: DownloadProgress) => void, signal?: AbortSignal): Promise<string> {
  onProgress({ phase: 'preparing' });
  let response: Response;
  try {
    response = await fetchWithSession(url, signal);
  } catch (error) {
    if (error instanceof ApiError || signal?.aborted) throw error;
    throw new ApiError({ status: 0, code: 'UNAVAILABLE', message: '' });
  }
  if (!response.ok) throw await errorOf(response);
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  onProgress({ phase: 'receiving', received, total });
  const reader = response.body?.getReader();
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.byteLength;
      onProgress({ phase: 'receiving', received, total });
    }
  } else {
    const whole = new Uint8Array(await response.arrayBuffer());
    chunks.push(whole);
    onProgress({ phase: 'receiving', received: whole.byteLength, total });
  }
  const name = /filename="?([^";]+)/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const blob = new Blob(chunks, { type: response.headers.get('content-type') ?? 'application/octet-stream' });
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoke later: some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return name;
}
