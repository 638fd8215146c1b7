import type { GameView } from '@ttt/shared';
import { useEffect, useRef } from 'react';
import { playMoveSound } from '../move-sound';
import { gameChange } from '../turn-signals';

/** Plays the move sound for each new move on a game's page, unless muted. */
export function useGameSignals(game: GameView | null, viewerId: string | undefined, muted: boolean): void {
  const shown = useRef<GameView | null>(null);
  useEffect(() => {
    const before = shown.current;
    shown.current = game;
    if (!game) return;
    const change = gameChange(before, game, viewerId);
    if (change.sound && !muted) playMoveSound(change.sound);
  }, [game, viewerId, muted]);
}
