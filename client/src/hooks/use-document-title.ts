import { useEffect } from 'react';

/** Shows `title` in the tab while the page is open (null: leaves it), and puts back the one before. */
export function useDocumentTitle(title: string | null): void {
  useEffect(() => {
    if (title === null) return;
    const before = document.title;
    document.title = title;
    return () => {
      document.title = before;
    };
  }, [title]);
}
