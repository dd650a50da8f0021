/** The API client as the file transfers see it (transfers.ts's FileApi): the file calls only. */
import type { ApiClient } from '../api/client.js';
import type { FileApi } from './transfers.js';

export function fileApi(api: ApiClient): FileApi {
  return {
    call: ((name: 'fileBegin' | 'fileFinish' | 'fileCancel', payload: never, opts?: { signal?: AbortSignal }) =>
      api.call(name, payload, opts)) as FileApi['call'],
    sendChunk: (fileid, index, bytes, opts) => api.sendChunk(fileid, index, bytes, opts),
    downloadChunk: (fileid, index, opts) => api.downloadChunk(fileid, index, opts),
  };
}
