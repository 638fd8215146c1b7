export * from './board.js';
export * from './classic-api.js';
export * from './computer.js';
export * from './lobby.js';
export * from './online-api.js';
export * from './online-game.js';
export * from './pairing.js';
export * from './schemas.js';
