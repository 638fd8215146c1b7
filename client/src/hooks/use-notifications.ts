import { useCallback, useEffect, useRef, useState } from 'react';
import type { Notice } from '../game-text';
import { askNoticePermission, type NoticePermission, noticePermission, showNotice } from '../notifications';
import { useStoredFlag } from './use-stored-flag';

export interface Notifications {
  permission: NoticePermission;
  /** The player asked for them ("Notify me") and the browser allows them. */
  enabled: boolean;
  /** Turns them on (asking the browser if it has not been asked) or off. */
  toggle: () => Promise<void>;
  /** Shows the notice when enabled and the tab is hidden: a visible page speaks for itself. */
  notify: (notice: Notice) => void;
}

export function useNotifications(): Notifications {
  const [permission, setPermission] = useState(noticePermission);
  const [wanted, setWanted] = useStoredFlag('ttt:notify', false);
  const enabled = wanted && permission === 'granted';
  const latest = useRef(enabled);
  latest.current = enabled;

  // The site's setting may change while the tab is away; read it again on coming back.
  useEffect(() => {
    const check = () => setPermission(noticePermission());
    document.addEventListener('visibilitychange', check);
    return () => document.removeEventListener('visibilitychange', check);
  }, []);

  const toggle = useCallback(async () => {
    if (enabled) {
      setWanted(false);
      return;
    }
    const current = noticePermission();
    const answer = current === 'default' ? await askNoticePermission() : current;
    setPermission(answer);
    setWanted(answer === 'granted');
  }, [enabled, setWanted]);

  const notify = useCallback((notice: Notice) => {
    if (latest.current && document.visibilityState === 'hidden') showNotice(notice);
  }, []);

  return { permission, enabled, toggle, notify };
}
