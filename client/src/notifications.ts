import type { Notice } from './game-text';
import { navigate } from './router';

/** Browser notifications; 'unsupported' where the API is missing (older or some mobile browsers). */
export type NoticePermission = NotificationPermission | 'unsupported';

export function noticePermission(): NoticePermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Asks the browser for permission: only ever from a click, never when a page loads. */
export async function askNoticePermission(): Promise<NoticePermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

/** Shows a notice; a click on it brings the tab forward on the page it is about. */
export function showNotice(notice: Notice): void {
  try {
    const shown = new Notification(notice.title, { body: notice.body, tag: notice.tag, icon: '/favicon.svg' });
    shown.onclick = () => {
      window.focus();
      navigate(notice.href);
      shown.close();
    };
  } catch {
    // Chrome on Android shows notifications only from a service worker: the title and sound remain.
  }
}
