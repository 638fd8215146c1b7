import { useCallback, useState } from 'react';

function read(key: string): boolean | null {
  try {
    const value = localStorage.getItem(key);
    return value === 'on' ? true : value === 'off' ? false : null;
  } catch {
    // Storage may be disabled (privacy settings): the setting then lasts as long as the page.
    return null;
  }
}

/** An on/off setting this browser remembers (localStorage), such as muting the move sound. */
export function useStoredFlag(key: string, fallback: boolean): [boolean, (value: boolean) => void] {
  const [value, setValue] = useState(() => read(key) ?? fallback);
  const set = useCallback(
    (next: boolean) => {
      setValue(next);
      try {
        localStorage.setItem(key, next ? 'on' : 'off');
      } catch {}
    },
    [key],
  );
  return [value, set];
}
