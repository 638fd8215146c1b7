import { useCallback, useRef, useState } from 'react';
import { describeError } from '../api';

export interface Action<A extends unknown[], R> {
  /** Runs the action; a call while one is pending does nothing (null), a failure answers null. */
  run: (...args: A) => Promise<R | null>;
  pending: boolean;
  /** What the last failure says, for people; cleared by a success. */
  error: string | null;
  /** Shows a message of the caller's own (a form's check), or clears it with null. */
  setError: (message: string | null) => void;
}

/**
 * The pending and error state of one thing a page sends (a sign-in, an invitation, a move):
 * written once here instead of in every form and button.
 */
export function useAction<A extends unknown[], R>(
  action: (...args: A) => Promise<R>,
  onError?: (caught: unknown) => void,
): Action<A, R> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);
  const latest = useRef({ action, onError });
  latest.current = { action, onError };

  const run = useCallback(async (...args: A): Promise<R | null> => {
    if (busy.current) return null;
    busy.current = true;
    setPending(true);
    try {
      const result = await latest.current.action(...args);
      setError(null);
      return result;
    } catch (caught) {
      setError(describeError(caught));
      latest.current.onError?.(caught);
      return null;
    } finally {
      busy.current = false;
      setPending(false);
    }
  }, []);

  return { run, pending, error, setError };
}
