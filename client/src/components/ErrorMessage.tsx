import type { ReactNode } from 'react';

/**
 * Errors are shown in the page and announced; never an alert() box. A form's message may hold
 * one element per field, with an id the field names in its aria-describedby.
 */
export function ErrorMessage({ message, onDismiss }: { message: ReactNode; onDismiss?: () => void }) {
  return (
    <div role="alert" className="min-h-0 empty:hidden">
      {message ? (
        <div className="flex items-start justify-between gap-3 rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950/60 dark:text-red-200">
          <span>{message}</span>
          {onDismiss ? (
            <button
              type="button"
              onClick={onDismiss}
              className="rounded px-1 font-semibold focus-visible:outline-none focus-visible:ring-4 focus-visible:ring-indigo-500"
              aria-label="Dismiss the error"
            >
              ×
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
