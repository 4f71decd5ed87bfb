// oauth-sign ships no types; the tests use it only as an independent reference signer.
declare module 'oauth-sign' {
  export function hmacsign(
    httpMethod: string,
    baseUri: string,
    params: Record<string, string | string[]>,
    consumerSecret: string,
    tokenSecret?: string,
  ): string;
}
