/** A tab opened inside the trader's tap, waiting for E*TRADE's login address. */
export interface PendingTab {
  go(url: string): void;
  close(): void;
}

/**
 * Opens an empty tab synchronously inside the tap, so no pop-up blocker stops it: E*TRADE's address
 * only exists once the server has asked for a request token, and a tab opened after that wait is no
 * longer the tap's (iOS Safari blocks it). Asking for the request token ahead of the tap would avoid
 * the wait, but would start E*TRADE's 5-minute window before the trader is there.
 *
 * The opener link is cut before the tab leaves this origin, which is what 'noopener' does; noopener
 * itself would hide the tab from this page, which then could not send it on. Undefined when the
 * browser refused: the page offers the login as a link instead.
 */
export function openBlankTab(): PendingTab | undefined {
  let tab: Window | null;
  try {
    tab = window.open('', '_blank');
  } catch {
    return undefined;
  }
  if (tab === null) return undefined;
  const opened = tab;
  try {
    opened.opener = null;
    opened.document.title = 'Opening E*TRADE…';
    opened.document.body?.append('Opening E*TRADE…');
  } catch {
    // Cross-origin already (a browser that does not give an empty same-origin tab): nothing to write.
  }
  return {
    // replace: the empty page stays out of the tab's history, so Back does not lead to it.
    go: (url) => opened.location.replace(url),
    close: () => opened.close(),
  };
}
