/** A small busy indicator with its words; the first page uses it, so it is its own module. */
export function Spinner({ label }: { label: string }) {
  return (
    <p className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
      <span
        aria-hidden="true"
        className="inline-block size-4 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600"
      />
      {label}
    </p>
  );
}
