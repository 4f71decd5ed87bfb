// The token page: countdown, connections, keep-alive and the PIN flow, on the server's clock.
import { ApiError, getJson, messageOf, postJson } from './api';
import { byId, h } from './dom';
import { Hero } from './hero';
import { ConnectionGrid } from './cards';
import { KeepAlivePanel } from './keepAlivePanel';
import { RUN_WORDS, errorWords } from './keepAliveWords';
import { loginLinkOffer } from './loginLinkOffer';
import { clearMessages, say } from './messages';
import { forgetFlow } from './flowMemory';
import { RenewPanel } from './renewPanel';
import { ServerClock, everySecond } from './serverClock';
import { leadConnection } from './states';
import type { ConnectionStatus, ExchangedPin, KeepAliveReport, Status } from './types';

const REFRESH_MS = 30_000;
/**
 * A server instance may answer from a ledger snapshot up to a second old (`asOf`). An answer older than
 * what the page already knows is not shown; the page asks again this much later, a few times, and
 * then takes the server's word.
 */
const BEHIND_RETRY_MS = 1_000;
const BEHIND_RETRIES = 5;

const main = byId('content');
const signOutButton = byId<HTMLButtonElement>('sign-out');
const clock = new ServerClock();
let status: Status | undefined;
let csrfToken: string | undefined;
let dashboard: Dashboard | undefined;
let loading: Promise<void> | undefined;
/** A "could not refresh" message is up, to take down once a refresh works. */
let staleSaid = false;
/** Per connection, the newest generation shown or recorded by this page's own PIN exchange. */
const knownGenerations = new Map<string, number>();
let behindRetries = 0;
/** The connection a sign-in link from an alert asked to renew (login.ts passes it on); used once. */
let renewHint = takeRenewHint();

interface Dashboard {
  readonly hero: Hero;
  readonly renew: RenewPanel;
  readonly grid: ConnectionGrid;
  readonly keepAlive: KeepAlivePanel;
}

/** Re-reads /status; concurrent callers share one request. */
function refresh(): Promise<void> {
  loading ??= load().finally(() => (loading = undefined));
  return loading;
}

async function load(): Promise<void> {
  const sentAt = Date.now();
  try {
    const next = await getJson<Status>('/status');
    clock.sync(next.now, sentAt, Date.now());
    csrfToken = next.csrfToken ?? csrfToken;
    if (isBehind(next) && behindRetries < BEHIND_RETRIES) {
      behindRetries += 1;
      window.setTimeout(() => void refresh(), BEHIND_RETRY_MS);
      return;
    }
    behindRetries = 0;
    status = next;
    for (const connection of next.connections) knownGenerations.set(connection.id, connection.generation);
    if (staleSaid) clearMessages();
    staleSaid = false;
    showDashboard(next);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return showSignedOut();
    // Keep showing the last status (its countdown is still right); say why it is not fresh.
    say(`Could not refresh the status. ${messageOf(error)}`, 'error');
    staleSaid = true;
  }
}

/** From an older snapshot than the one shown, or from before a renewal this page saw recorded. */
function isBehind(next: Status): boolean {
  if (status !== undefined && Date.parse(next.asOf) < Date.parse(status.asOf)) return true;
  return next.connections.some((c) => c.generation < (knownGenerations.get(c.id) ?? 0));
}

function recorded(connectionId: string, generation: number): void {
  knownGenerations.set(connectionId, Math.max(generation, knownGenerations.get(connectionId) ?? 0));
}

function showDashboard(next: Status): void {
  const first = dashboard === undefined;
  if (dashboard === undefined) {
    const renew = (connection: ConnectionStatus) => void dashboard?.renew.start(connection);
    const hero = new Hero(renew);
    dashboard = {
      hero,
      renew: new RenewPanel({
        clock,
        csrfToken: () => csrfToken,
        refresh,
        recorded,
        signedOut: showSignedOut,
        place: (panel, connectionId) => {
          if (connectionId !== '' && connectionId === hero.connectionId) {
            hero.host(panel);
            return true;
          }
          hero.unhost();
          if (panel.previousElementSibling !== hero.element) hero.element.after(panel);
          return false;
        },
        renewed,
      }),
      grid: new ConnectionGrid(renew),
      keepAlive: new KeepAlivePanel(forceKeepAlive),
    };
    main.replaceChildren(
      dashboard.hero.element,
      dashboard.renew.element,
      dashboard.grid.element,
      dashboard.keepAlive.element,
      h('p', { className: 'footnote' }, 'All times are US Eastern (ET), from the server’s clock.'),
    );
    signOutButton.hidden = false;
  }
  dashboard.hero.element.hidden = leadConnection(next.connections) === undefined;
  render();
  if (first) {
    // A login this tab had open before a reload comes first; else the renewal the alert asked for.
    const hinted = next.connections.find((c) => c.id === renewHint);
    renewHint = undefined;
    if (!dashboard.renew.resume(clock.now()) && hinted) dashboard.renew.ready(hinted);
  }
}

/** Everything time-dependent, from the last status and the server clock; runs every second. */
function render(): void {
  if (dashboard === undefined || status === undefined) return;
  const nowMs = clock.now();
  const lead = leadConnection(status.connections);
  if (lead) dashboard.hero.update(lead, nowMs);
  dashboard.grid.update(
    status.connections.filter((c) => c !== lead),
    nowMs,
  );
  dashboard.renew.tick(nowMs);
}

/** After a renewal the panel is gone; the words go where that connection is shown. */
function renewed(connection: Pick<ConnectionStatus, 'id' | 'label'>, done: ExchangedPin): void {
  const failed = done.warnings ?? [];
  const after = failed.length > 0 ? ` Stored and current, but these steps failed: ${failed.join(', ')}.` : '';
  if (dashboard?.hero.connectionId === connection.id) dashboard.hero.showDone(`Renewed.${after}`);
  else say(`${connection.label} renewed.${after}`, 'success');
}

/**
 * `#renew=<connection>` from login.ts: a hint for the page, never trusted for anything else (an
 * unknown or malformed value is ignored). It leaves the address bar at once.
 */
function takeRenewHint(): string | undefined {
  const { hash } = location;
  if (!hash.startsWith('#renew=')) return undefined;
  history.replaceState(null, '', location.pathname + location.search);
  return /^#renew=([a-z][a-z0-9-]{0,29})$/.exec(hash)?.[1];
}

/** Idempotent: the 30-second refresh keeps asking while signed out and must not reset the offer. */
function showSignedOut(): void {
  forgetFlow();
  if (dashboard === undefined && document.getElementById('login-offer')) return;
  dashboard = undefined;
  status = undefined;
  csrfToken = undefined;
  signOutButton.hidden = true;
  main.replaceChildren(
    loginLinkOffer({
      title: 'Sign in to renew your E*TRADE tokens',
      text: 'For safety, this page opens only from a sign-in link sent to your Telegram chat. Each link works once.',
      button: 'Send me a login link',
    }),
  );
}

async function forceKeepAlive(): Promise<void> {
  const region = dashboard?.keepAlive.messages;
  try {
    const report = await postJson<KeepAliveReport>('/keepalive/force', {}, csrfToken);
    const label = (id: string) => status?.connections.find((c) => c.id === id)?.label ?? id;
    const lines = report.connections.map(({ connectionId, outcome, errorCode }) => {
      const why = outcome === 'failed' ? errorWords(errorCode) : undefined;
      return `${label(connectionId)}: ${RUN_WORDS[outcome] ?? outcome}${why ? ` (${why})` : ''}.`;
    });
    const failed = report.connections.some((c) => c.outcome === 'failed' || c.outcome === 'died');
    say(`Keep-alive ran. ${lines.join(' ')}`, failed ? 'error' : 'success', region);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return showSignedOut();
    say(`Keep-alive did not run. ${messageOf(error)}`, 'error', region);
  }
  await refresh();
}

signOutButton.addEventListener('click', async () => {
  try {
    await postJson('/api/logout', {}, csrfToken);
  } catch (error) {
    return void say(`Could not sign out. ${messageOf(error)}`, 'error');
  }
  showSignedOut();
  say('Signed out.', 'info');
});

everySecond(clock, render);
window.setInterval(() => void refresh(), REFRESH_MS);
// Back from E*TRADE's tab, or the phone woke up: timers were throttled, so fetch fresh times.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void refresh();
});
clearMessages();
void refresh();
