/** A short tick for a move, made with the Web Audio API: no file to download, no dependency. */

let context: AudioContext | null = null;

const TONES = {
  // The opponent's move: brighter and louder, it is news. Your own: a quiet acknowledgement.
  other: { from: 880, to: 587, volume: 0.25 },
  own: { from: 660, to: 440, volume: 0.06 },
};

export function playMoveSound(who: keyof typeof TONES): void {
  if (typeof AudioContext === 'undefined') return;
  try {
    context ??= new AudioContext();
    // Browsers start audio suspended until the page has been used; it has, by the time anyone moves.
    if (context.state === 'suspended') context.resume().catch(() => {});
    const tone = TONES[who];
    const start = context.currentTime;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'triangle';
    oscillator.frequency.setValueAtTime(tone.from, start);
    oscillator.frequency.exponentialRampToValueAtTime(tone.to, start + 0.12);
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(tone.volume, start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.15);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start);
    oscillator.stop(start + 0.16);
  } catch {
    // A sound is a nicety: a browser that refuses it loses nothing else.
  }
}
