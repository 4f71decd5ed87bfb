import type { AppContext } from './context';
import { createContext } from './createContext';

let current: AppContext | undefined;

/**
 * The context of this function instance: built from the environment on first use and kept for the
 * instance's life (warm invocations reuse clients, caches and the learned E*TRADE clock offset).
 */
export function instanceContext(): AppContext {
  current ??= createContext();
  return current;
}

/**
 * Installs a context built elsewhere: the local system (simulator endpoints, console notifier) and
 * the integration tests (hand-moved clock). Cloud Functions never call it.
 */
export function useContext(context: AppContext | undefined): void {
  current = context;
}
