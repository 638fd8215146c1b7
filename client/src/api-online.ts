import {
  type CreatedGame,
  CreatedGameSchema,
  type CreateGameRequest,
  type GameList,
  type GamePage,
  GamePageSchema,
  type GameView,
  GameViewSchema,
  type Leaderboard,
  LeaderboardSchema,
  type Lobby,
  LobbySchema,
  type PairingStatus,
  PairingStatusSchema,
  type PlayerProfile,
  PlayerProfileSchema,
  type Presence,
  PresenceSchema,
  type Session,
  SessionSchema,
  type TimeControl,
} from '@ttt/shared';
import { request } from './api';

/** Online play's endpoints; `request` in api.ts does the fetching and checking. */
export const onlineApi = {
  session: (): Promise<Session> => request('GET', '/api/session', SessionSchema),
  /** Without `create`, a name nobody has answers 404 auth/unknown-player. */
  signIn: (name: string, password: string, create: boolean): Promise<Session> =>
    request('POST', '/api/session', SessionSchema, { name, password, ...(create ? { create } : {}) }),
  signOut: (): Promise<Session> => request('DELETE', '/api/session', SessionSchema),
  /** Ends every session of the player, on every device (this one too). */
  signOutEverywhere: (): Promise<Session> => request('DELETE', '/api/sessions', SessionSchema),
  lobby: (): Promise<Lobby> => request('GET', '/api/lobby', LobbySchema),
  list: (list: GameList, cursor: string): Promise<GamePage> =>
    request('GET', `/api/games?list=${list}&cursor=${encodeURIComponent(cursor)}`, GamePageSchema),
  /** `rated` in the body: the game changes both players' ratings when it finishes. */
  createGame: (body: CreateGameRequest): Promise<CreatedGame> => request('POST', '/api/games', CreatedGameSchema, body),
  game: (id: string): Promise<GameView> => request('GET', `/api/games/${encodeURIComponent(id)}`, GameViewSchema),
  act: (
    id: string,
    action: 'accept' | 'decline' | 'cancel' | 'resign' | 'rematch' | 'claim',
    body?: unknown,
  ): Promise<GameView> => request('POST', `/api/games/${encodeURIComponent(id)}/${action}`, GameViewSchema, body ?? {}),
  presence: (id: string): Promise<Presence> =>
    request('GET', `/api/games/${encodeURIComponent(id)}/presence`, PresenceSchema),
  pairing: (): Promise<PairingStatus> => request('GET', '/api/pairing', PairingStatusSchema),
  seek: (timeControl: TimeControl, rated: boolean): Promise<PairingStatus> =>
    request('POST', '/api/pairing', PairingStatusSchema, { timeControl, rated }),
  stopSeeking: (): Promise<PairingStatus> => request('DELETE', '/api/pairing', PairingStatusSchema),
  /** Leaving the page: sent even as the page goes away. */
  stopSeekingOnExit: () => {
    void fetch('/api/pairing', { method: 'DELETE', credentials: 'same-origin', keepalive: true }).catch(() => {});
  },
  /** The top players by rating (public). */
  leaderboard: (): Promise<Leaderboard> => request('GET', '/api/players', LeaderboardSchema),
  /** A player's record, rating and recent games (public); 404 player/not-found for a name nobody has. */
  profile: (name: string): Promise<PlayerProfile> =>
    request('GET', `/api/players/${encodeURIComponent(name)}`, PlayerProfileSchema),
  move: (id: string, cell: number, version: number): Promise<GameView> =>
    request('POST', `/api/games/${encodeURIComponent(id)}/moves`, GameViewSchema, { cell, version }),
};
