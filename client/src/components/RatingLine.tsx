import type { GameSummary } from '@ttt/shared';
import { ratedLabel, ratingChangeLines } from '../rating-text';

/**
 * Rated or casual; once a rated game's ratings have taken it, what it did to each player's
 * rating. Live: the game's stream sends the game again when the changes fill in.
 */
export function RatingLine({ game }: { game: GameSummary }) {
  const changes = ratingChangeLines(game);
  const updating = game.status === 'finished' && game.rated && changes.length < 2;
  return (
    <p aria-live="polite" data-testid="rating-line" className="mt-1 text-sm text-slate-600 dark:text-slate-400">
      <span data-testid="rated">{ratedLabel(game)}</span>
      {changes.map((line) => (
        <span key={line} data-testid="rating-change">
          {' · '}
          {line}
        </span>
      ))}
      {updating ? ' · updating ratings…' : null}
    </p>
  );
}
