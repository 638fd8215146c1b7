/**
 * The app's own online pages, as the server knows them (server/src/plugins/client.ts): a game's
 * id as GameIdSchema has it, written out so the first page does not carry the online schemas
 * (online-path.test.ts keeps the two the same).
 */
export const isOnlinePage = (path: string) => path === '/online' || /^\/games\/[A-Za-z0-9_-]{22}$/.test(path);
