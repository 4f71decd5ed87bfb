import { createServer } from 'node:net';

import { LOOPBACK } from './testEnv';

/**
 * A loopback port nothing is listening on right now. The kernel picks it (port 0), so parallel jest
 * runs on one machine do not collide the way fixed ports would. There is a short window before the
 * emulator binds it; a lost race shows up as the emulator exiting, with its log in the error.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error(`unexpected server address ${String(address)}`));
      });
    });
  });
}
