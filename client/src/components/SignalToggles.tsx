import { Button } from './ui';

/** Mutes the move sound; pressed means muted. The name stays, the state is aria-pressed. */
export function SoundToggle({ muted, onChange }: { muted: boolean; onChange: (muted: boolean) => void }) {
  return (
    <Button aria-pressed={muted} variant={muted ? 'primary' : 'secondary'} onClick={() => onChange(!muted)}>
      <span aria-hidden="true">{muted ? '🔇' : '🔈'}</span> Mute sounds
    </Button>
  );
}
