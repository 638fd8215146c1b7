/**
 * The app's own online pages, as the server knows them (server/src/plugins/client.ts): a game's
 * id as GameIdSchema has it and a player's name as PlayerNameSchema has it, written out so the
 * first page does not carry the online schemas (online-path.test.ts keeps them the same).
 */
export const isOnlinePage = (path: string) => /^\/(online|players(\/[\w-]{3,20})?|games\/[\w-]{22})$/.test(path);
