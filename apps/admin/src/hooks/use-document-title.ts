import { useEffect } from 'react';

/** The browser tab names the page first, then the product ("Users · Latchkey"). */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Latchkey`;
  }, [title]);
}
