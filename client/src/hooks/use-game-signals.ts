import type { GameView } from '@ttt/shared';
import { useEffect, useRef } from 'react';
import { type Notice, turnNotice } from '../game-text';
import { playMoveSound } from '../move-sound';
import { gameChange } from '../turn-signals';

/**
 * On a game's page: the move sound for each new move (unless muted), and a notice when the
 * game comes to wait for the viewer's move (shown only if the tab is hidden).
 */
export function useGameSignals(
  game: GameView | null,
  viewerId: string | undefined,
  { muted, notify }: { muted: boolean; notify: (notice: Notice) => void },
): void {
  const shown = useRef<GameView | null>(null);
  useEffect(() => {
    const before = shown.current;
    shown.current = game;
    if (!game) return;
    const change = gameChange(before, game, viewerId);
    if (change.sound && !muted) playMoveSound(change.sound);
    if (change.yourTurn && viewerId) notify(turnNotice(game, viewerId));
  }, [game, viewerId, muted, notify]);
}
