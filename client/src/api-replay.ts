import { type LocalMoves, LocalMovesSchema } from '@ttt/shared';
import { request } from './api';

/** The replay's endpoint, loaded with the replay only; `request` in api.ts does the fetching and checking. */
export const replayApi = {
  localMoves: (signal?: AbortSignal): Promise<LocalMoves> =>
    request('GET', '/api/local/moves', LocalMovesSchema, undefined, signal),
};
